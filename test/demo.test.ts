import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunwatchClient } from '../src/client/index.js';
import { startDemoEngine } from '../src/demo/engine.js';
import { createLogger } from '../src/logger.js';
import { graphql } from './gql/index.js';
import { eventually, startServer, type TestServer } from './harness.js';

const Statuses = graphql(`
  query DemoStatuses { executions(first: 500) { edges { node { status workflow steps { status attempt } } } } }
`);

const ALL_STATUSES: string[] = ['PENDING', 'QUEUED', 'RUNNING', 'WAITING_APPROVAL', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
const OPEN_STATUSES: string[] = ['PENDING', 'QUEUED', 'RUNNING', 'WAITING_APPROVAL'];

let server: TestServer;
let engine: ReturnType<typeof startDemoEngine>;
beforeAll(async () => {
  server = await startServer();
  const client = createRunwatchClient({ url: server.url });
  engine = startDemoEngine({ client, logger: createLogger({ log: { level: 'silent' }, nodeEnv: 'test' }), speed: 60, seed: 7 });
});
afterAll(async () => {
  await engine.stop();
});

describe('the demo engine', () => {
  it('leaves data in which every execution status occurs, with retries and approvals', async () => {
    const seen = new Set<string>();
    const nodes = await eventually(
      async () => {
        const result = await server.data(Statuses, undefined as never);
        const current = result.executions.edges.map((e) => e.node);
        for (const node of current) seen.add(node.status);
        const now = new Set<string>(current.map((n) => n.status));
        return ALL_STATUSES.every((s) => now.has(s)) ? current : null;
      },
      90_000,
      `every status at once (seen so far: ${[...seen].join(', ')})`,
    );
    expect(new Set(nodes.map((n) => n.workflow)).size).toBeGreaterThanOrEqual(4);
    expect(nodes.some((n) => n.steps.some((s) => s.attempt > 1))).toBe(true);
  });
});

describe('stopping the demo engine', () => {
  it('cancels every execution it left open, so a later start finds none running', async () => {
    const before = (await server.data(Statuses, undefined as never)).executions.edges.map((e) => e.node.status);
    expect(before.filter((s) => OPEN_STATUSES.includes(s)).length).toBeGreaterThan(0);
    await engine.stop();
    const after = (await server.data(Statuses, undefined as never)).executions.edges.map((e) => e.node.status);
    expect(after.filter((s) => OPEN_STATUSES.includes(s))).toEqual([]);
    expect(after.filter((s) => s === 'CANCELLED').length).toBeGreaterThan(0);
  });
});
