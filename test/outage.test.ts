import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, onPostgres } from './harness.js';
import { createPostgresCluster, postgresBinariesPresent, type PostgresCluster } from './postgres-cluster.js';
import { runScript, type RunningProcess } from './processes.js';

const DB_TIMEOUT_MS = 1_000;
const CREATE = 'mutation ($input: CreateExecutionInput!) { createExecution(input: $input) { id } }';
const READ = '{ executions(first: 5) { edges { node { id } } } }';

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  codes: unknown[];
  id?: string;
}

const percentile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

describe.skipIf(!onPostgres || !postgresBinariesPresent())('a Postgres outage', () => {
  let cluster: PostgresCluster;
  let server: RunningProcess;
  let url: string;

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    cluster.start();
    server = runScript('src/main.ts', [], { DATABASE_URL: cluster.url, PORT: '0', LOG_LEVEL: 'info', HEALTH_DB_TIMEOUT_MS: String(DB_TIMEOUT_MS), HEALTH_CACHE_MS: '100' });
    url = await server.listening;
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    cluster?.destroy();
  });

  async function post(query: string, variables?: object): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: { createExecution?: { id: string } }; errors?: { extensions?: { code?: unknown } }[] };
    return {
      status: response.status,
      ms: performance.now() - started,
      retryAfter: response.headers.get('retry-after'),
      codes: (body.errors ?? []).map((e) => e.extensions?.code),
      id: body.data?.createExecution?.id,
    };
  }
  const create = () => post(CREATE, { input: { workflow: 'w', namespace: 'outage', steps: [] } });
  const status = async (path: string) => (await fetch(url.replace('/graphql', path))).status;

  it('answers 503 UNAVAILABLE at once while Postgres is down and recovers within a second after', async () => {
    const received: { id: string; executionId: string; type: string }[] = [];
    const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const subscribed = new Promise<void>((resolve, reject) =>
      client.subscribe<{ events: { id: string; executionId: string; type: string } }>(
        { query: 'subscription { events(filter: { namespace: "outage" }) { id executionId type } }' },
        { next: ({ data }) => data && received.push(data.events), error: reject, complete: resolve },
      ),
    );
    subscribed.catch(() => {});
    const acknowledged: string[] = [];
    // The subscription is live once an execution created now reaches it.
    await eventually(async () => {
      acknowledged.push((await create()).id!);
      return received.length > 0;
    }, 10_000, 'the subscription to deliver');
    await eventually(() => received.some((e) => e.executionId === acknowledged.at(-1)), 10_000, 'the last event before the outage');

    cluster.stop();
    const outage: Answer[] = [];
    for (let round = 0; round < 5; round++) outage.push(...(await Promise.all([create(), create(), post(READ), post(READ)])));
    const readyz = await status('/readyz');
    await eventually(async () => (await status('/health')) === 503, 10_000, '/health to say 503');

    cluster.start();
    const restarted = performance.now();
    let after: Answer;
    await eventually(async () => (after = await create()).id, 10_000, 'an acknowledged write');
    const firstWriteMs = performance.now() - restarted;
    acknowledged.push(after!.id!);
    await eventually(() => received.some((e) => e.executionId === after!.id), 10_000, 'the write delivered');
    const firstEventMs = performance.now() - restarted;
    const healthChecks: number[] = [];
    await eventually(async () => (healthChecks.push(performance.now() - restarted), (await status('/health')) === 200), 10_000, '/health 200');

    const times = outage.map((a) => a.ms);
    console.log(
      `outage: p50 ${percentile(times, 0.5).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${outage.length} answers; ` +
        `after restart: first acknowledged write ${firstWriteMs.toFixed(0)} ms, first delivered event ${firstEventMs.toFixed(0)} ms, ` +
        `/health 200 after ${healthChecks.at(-1)!.toFixed(0)} ms (${healthChecks.length} checks)`,
    );
    expect(outage.map((a) => [a.status, a.codes, a.retryAfter])).toEqual(outage.map(() => [503, ['UNAVAILABLE'], '1']));
    expect(Math.max(...times)).toBeLessThan(DB_TIMEOUT_MS * 3);
    expect(readyz).toBe(503);
    expect(server.stdout).not.toMatch(/"level":50.*unexpected error/);
    // Each acknowledged execution was delivered exactly once; nothing refused during the outage exists.
    const created = received.filter((e) => e.type === 'EXECUTION_CREATED').map((e) => e.executionId);
    expect(created).toEqual(acknowledged.slice(acknowledged.indexOf(created[0]!)));
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
    await client.dispose();
  });
});
