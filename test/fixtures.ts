import { events } from '../src/db/schema.js';
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

/**
 * Writes `count` STEP_PROGRESS events of about `bytes` each straight into the log (from `firstSeq`),
 * in batches of 800 rows (PGlite inserts rows slowly), waking the feeds after each batch: enough
 * data, in few rows, to fill a paused client's socket buffers.
 */
export async function floodEvents(server: TestServer, executionId: string, { count, bytes, firstSeq }: { count: number; bytes: number; firstSeq: number }) {
  const padding = 'x'.repeat(bytes);
  for (let offset = 0; offset < count; offset += 800) {
    await server.app.database.db.insert(events).values(
      Array.from({ length: Math.min(800, count - offset) }, (_, i) => ({
        namespace: 'default',
        executionId,
        seq: firstSeq + offset + i,
        type: 'STEP_PROGRESS' as const,
        data: { padding },
        timestamp: new Date(),
      })),
    );
    server.app.services.bus.publish({ namespace: 'default', executionId });
  }
}
