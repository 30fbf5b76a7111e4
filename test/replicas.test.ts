/**
 * Read replicas, against a real streaming replica: a private cluster and a `pg_basebackup -R` copy
 * of it on loopback. Pausing the replica's replay makes it stale on purpose, which shows where each
 * read went. Postgres only (on PGlite DATABASE_REPLICA_URL is a configuration error, see config.test.ts).
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExecutionCursor } from '../src/domain/cursors.js';
import { parseId } from '../src/graphql/ids.js';
import { CreateExecution, GetExecution, StartExecution } from './documents.js';
import { eventually, onPostgres, startServer, type TestServer } from './harness.js';
import { createPostgresCluster, postgresBinariesPresent, type PostgresCluster } from './postgres-cluster.js';

const NAMESPACE = 'replicas';
const HEALTH = '{ health { components { component status message observedValue threshold } } }';

interface Component {
  component: string;
  status: string;
  message: string;
  observedValue: number | null;
  threshold: number | null;
}

const replicasOf = async (server: TestServer) => {
  const { data } = await server.request<{ health: { components: Component[] } }, never>(HEALTH);
  return data!.health.components.find((c) => c.component === 'replicas')!;
};
const statusOn = async (server: TestServer, id: string) => (await server.data(GetExecution, { id })).execution?.status ?? null;
/** The same query over graphql-ws. */
const statusOverWebSocket = async (server: TestServer, id: string) => {
  const result = await server.wsClient().iterate<{ execution: { status: string } | null }>({ query: `{ execution(id: "${id}") { status } }` }).next();
  return (result.value as { data?: { execution: { status: string } | null } }).data?.execution?.status ?? null;
};
/** The Prometheus gauge of RUNNING executions in the namespace, as `server` scrapes it. */
const runningGauge = async (server: TestServer) => {
  const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`runwatch_executions{namespace="${NAMESPACE}"`) && l.includes('status="RUNNING"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

describe.skipIf(!onPostgres || !postgresBinariesPresent())('read replicas (Postgres only: a streaming replica of a private cluster, needs its binaries)', () => {
  let primary: PostgresCluster;
  let replica: PostgresCluster;
  let replicaSql: postgres.Sql;
  let databaseUrl: string;
  let replicaUrl: string;

  beforeAll(async () => {
    primary = await createPostgresCluster();
    primary.start();
    const admin = postgres(primary.url, { max: 1, onnotice: () => {} });
    await admin`create database runwatch`;
    await admin.end();
    replica = await primary.replica();
    replica.start();
    databaseUrl = primary.url.replace(/\/postgres$/, '/runwatch');
    replicaUrl = replica.url.replace(/\/postgres$/, '/runwatch');
    replicaSql = postgres(replicaUrl, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await replicaSql?.end({ timeout: 1 });
    replica?.destroy();
    primary?.destroy();
  });

  it('serve queries and Prometheus; mutations and their answers read the primary; a replica lagging past the limit or stopped is skipped', async () => {
    const env = { DATABASE_REPLICA_URL: replicaUrl, DATABASE_REPLICA_CHECK_MS: '50', HEALTH_CACHE_MS: '1' };
    // Two instances on the same replica that differ only in how much lag they accept.
    const patient = await startServer({ databaseUrl, env: { ...env, DATABASE_REPLICA_MAX_LAG_MS: '60000' } });
    const strict = await startServer({ databaseUrl, env: { ...env, DATABASE_REPLICA_MAX_LAG_MS: '300' } });
    const { createExecution } = await patient.data(CreateExecution, { input: { workflow: 'w', namespace: NAMESPACE, steps: [] } });
    const { id } = createExecution;
    await eventually(async () => (await statusOn(patient, id)) === 'PENDING', 10_000, 'the replica to replay the execution');
    expect(await replicasOf(patient)).toMatchObject({ status: 'HEALTHY', message: expect.stringMatching(/^127\.0\.0\.1:\d+\/runwatch lag [\d.]+ m?s$/), threshold: 60_000 });

    await replicaSql`select pg_wal_replay_pause()`;
    await eventually(async () => (await replicaSql`select pg_get_wal_replay_pause_state() as state`)[0]!.state === 'paused', 10_000, 'replay paused');
    // The mutation's answer is read after its write, on the primary; queries still see the replica's past.
    expect((await patient.data(StartExecution, { id })).startExecution.status).toBe('RUNNING');
    expect(await statusOn(patient, id)).toBe('PENDING');
    expect(await statusOverWebSocket(patient, id)).toBe('PENDING');
    expect(await runningGauge(patient)).toBe(0);
    // A cursor naming a row the replica has not replayed yet pages from the replica, not CURSOR_NOT_FOUND.
    const newer = (await patient.data(CreateExecution, { input: { workflow: 'w', namespace: NAMESPACE, steps: [] } })).createExecution;
    const after = encodeExecutionCursor({ createdAt: new Date(newer.createdAt), id: parseId(newer.id, 'Execution') });
    const page = await patient.request<{ executions: { edges: { node: { id: string } }[] } }, { after: string }>(
      `query($after: String) { executions(first: 5, after: $after, filter: { namespace: "${NAMESPACE}" }) { edges { node { id } } } }`,
      { after },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data!.executions.edges.map((e) => e.node.id)).toEqual([id]);

    // The lag grows and is reported; within its limit the replica still serves.
    const lagging = await eventually(async () => {
      const component = await replicasOf(patient);
      return (component.observedValue ?? 0) > 0 ? component : null;
    }, 10_000, 'the lag reported');
    expect(lagging).toMatchObject({ status: 'HEALTHY', message: expect.stringMatching(/lag [\d.]+ m?s$/) });
    expect(await statusOn(patient, id)).toBe('PENDING');
    // Past the limit it is skipped: the primary answers.
    const skipped = await eventually(async () => {
      const component = await replicasOf(strict);
      return component.status === 'DEGRADED' ? component : null;
    }, 10_000, 'the strict instance to skip the replica');
    expect(skipped.message).toMatch(/^127\.0\.0\.1:\d+\/runwatch skipped \(lagging \d+ ms, over 300 ms\); every read on the primary$/);
    expect(await statusOn(strict, id)).toBe('RUNNING');
    expect(await runningGauge(strict)).toBe(1);

    await replicaSql`select pg_wal_replay_resume()`;
    await eventually(async () => (await statusOn(patient, id)) === 'RUNNING', 10_000, 'the replica to catch up');
    await eventually(async () => (await replicasOf(strict)).status === 'HEALTHY', 10_000, 'the strict instance to use the replica again');

    // A stopped replica: reads go on at once on the primary, and health says why.
    replica.stop();
    expect(await statusOn(patient, id)).toBe('RUNNING');
    expect(await statusOn(strict, id)).toBe('RUNNING');
    const stopped = await replicasOf(patient);
    expect(stopped).toMatchObject({ status: 'DEGRADED', message: expect.stringMatching(/skipped \(unreachable: .+\); every read on the primary$/) });
    // Before the clusters go (afterAll), or closing their pools waits out its timeout.
    await Promise.all([patient.stop(), strict.stop()]);
  });
});
