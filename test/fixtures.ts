import type { CreateExecutionInput } from './gql/graphql.js';
import { CreateExecution, StartExecution } from './documents.js';
import type { TestServer } from './harness.js';

let counter = 0;

/** An execution with `steps` steps named s0..sN (type "script" unless given). */
export async function createExecution(server: TestServer, input: Partial<CreateExecutionInput> & { stepCount?: number } = {}) {
  const { stepCount = 3, ...rest } = input;
  const result = await server.data(CreateExecution, {
    input: {
      workflow: `workflow-${++counter}`,
      steps: Array.from({ length: stepCount }, (_, i) => ({ name: `s${i}`, type: i % 2 ? 'http' : 'script' })),
      ...rest,
    },
  });
  return result.createExecution;
}

export async function runningExecution(server: TestServer, input: Parameters<typeof createExecution>[1] = {}) {
  const created = await createExecution(server, input);
  const started = await server.data(StartExecution, { id: created.id });
  return started.startExecution;
}
