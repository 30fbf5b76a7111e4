import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEvents, seedExecutions } from '../bench/seed.js';
import { createDayPartition, dayPartitions, PARTITIONED_TABLES } from '../src/db/retention.js';
import { encodeEventCursor } from '../src/domain/cursors.js';
import { encodeGlobalId } from '../src/graphql/ids.js';
import { EventsSubscription, ExecutionEvents, ExecutionsWithSteps, GetExecution, ListEvents, ListExecutions, ReportStepProgress } from './documents.js';
import { eventually, freshDatabaseUrl, onPostgres, startServer, type TestServer } from './harness.js';

/**
 * The statements behind the hot operations, planned against a database of realistic size: none may
 * read executions, steps or events with a sequential scan. Small tables make every plan a seq scan,
 * so this only means something at size, and only on real Postgres.
 */
const EXECUTIONS = 20_000;
const EXECUTIONS_WITH_EVENTS = 2_500; // x 20 events
/** Partitions of executions, steps and events (by day, and the default) at size (10,000 rows), filled in once seeded: a plan may scan a small one. */
const LARGE_TABLES = new Set<string>();

interface Statement {
  text: string;
  params: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

function* planNodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* planNodes(child);
}

describe.runIf(onPostgres)('query plans of the hot operations at size', () => {
  let server: TestServer;
  let sql: postgres.Sql;
  const ids = {} as { running: string[]; runningSteps: string[]; pendingSteps: string[]; withEvents: string; midCursor: string; executionCursor: string };

  beforeAll(async () => {
    const databaseUrl = await freshDatabaseUrl();
    // The monitoring loop's statements would mix into the captures.
    server = await startServer({ databaseUrl, env: { MONITOR_ENABLED: 'false' } });
    sql = postgres(databaseUrl!, { max: 1, onnotice: () => {} });
    // Day partitions for the seeded days (one execution a minute back from now), before seeding:
    // moving the rows later would hold one long transaction, holding back other files' feeds.
    const existing = (await dayPartitions(server.app.database.db)).get('executions')!.map((d) => d.getTime());
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    for (let day = today - Math.ceil(EXECUTIONS / 1440) * 86_400_000; day < today; day += 86_400_000) {
      if (existing.includes(day)) continue;
      for (const { table } of PARTITIONED_TABLES) await createDayPartition(server.app.database.db, table, new Date(day));
    }
    await seedExecutions(sql, EXECUTIONS, { namespaces: ['alpha', 'beta'], runningEvery: 50 });
    await seedEvents(sql, EXECUTIONS_WITH_EVENTS);
    await sql`analyze executions, steps, events`;
    const large = await sql<{ relname: string }[]>`select relname from pg_class
      where relkind = 'r' and reltuples > 10000 and relname ~ '^(executions|steps|events)_(p[0-9]{8}|default)$'`;
    for (const { relname } of large) LARGE_TABLES.add(relname);
    expect([...LARGE_TABLES].some((name) => name.startsWith('events_p'))).toBe(true);

    const running = await sql<{ id: string; running: string; pending: string }[]>`
      select e.id, r.id as running, p.id as pending from executions e
        join steps r on r.execution_id = e.id and r.position = 3
        join steps p on p.execution_id = e.id and p.position = 4
      where e.status = 'RUNNING' and e.namespace = 'alpha' order by e.created_at desc limit 3`;
    ids.running = running.map((r) => r.id);
    ids.runningSteps = running.map((r) => r.running);
    ids.pendingSteps = running.map((r) => r.pending);
    const [withEvents] = await sql<{ execution_id: string; tx_id: string; id: string }[]>`
      select execution_id, tx_id, id from events where seq = 5 order by tx_id desc, id desc limit 1`;
    ids.withEvents = withEvents!.execution_id;
    ids.executionCursor = encodeEventCursor({ txId: Number(withEvents!.tx_id), id: Number(withEvents!.id) });
    const [mid] = await sql<{ tx_id: string; id: string }[]>`select tx_id, id from events order by tx_id, id offset ${(EXECUTIONS_WITH_EVENTS * 20) / 2} limit 1`;
    ids.midCursor = encodeEventCursor({ txId: Number(mid!.tx_id), id: Number(mid!.id) });
  });

  afterAll(async () => {
    await sql?.end();
  });

  /** A GraphQL request through the server's HTTP endpoint that must succeed. */
  async function request<T, V>(document: TypedDocumentNode<T, V> | string, variables?: V): Promise<T> {
    const result = await server.request(document, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  }

  const gid = (typename: 'Execution' | 'StepProgress', id: string) => encodeGlobalId(typename, id);
  const today = () => new Date(new Date().toISOString().slice(0, 10));

  const operations: [string, () => Promise<unknown>][] = [
    // First, so the ETA history statement is among its statements.
    ['executions page with steps and progress', () => request(ExecutionsWithSteps, { first: 50 })],
    [
      'executions page filtered',
      async () => {
        const page = await request(ListExecutions, { first: 50, filter: { namespace: 'alpha', workflow: 'wf-3' } });
        const { endCursor } = page.executions.pageInfo;
        await request(ListExecutions, { first: 50, after: endCursor, filter: { namespace: 'alpha', workflow: 'wf-3' } });
        await request(ListExecutions, { first: 50, filter: { status: ['RUNNING'] } });
        await request(ListExecutions, { first: 50, filter: { workflow: 'wf-7', status: ['COMPLETED'] } });
        await request(ListExecutions, { first: 50, filter: { createdAfter: new Date(Date.now() - 3_600_000).toISOString() } });
      },
    ],
    ['execution by id with steps', () => request(GetExecution, { id: gid('Execution', ids.withEvents) })],
    [
      'events of one execution',
      async () => {
        await request(ListEvents, { first: 50, filter: { executionId: gid('Execution', ids.withEvents) } });
        await request(ExecutionEvents, { id: gid('Execution', ids.withEvents), first: 50, after: ids.executionCursor });
      },
    ],
    [
      'events page from a cursor',
      async () => {
        await request(ListEvents, { first: 50, after: ids.midCursor });
        await request(ListEvents, { first: 50, after: ids.midCursor, filter: { namespace: 'beta' } });
      },
    ],
    ['reportStepProgress', () => request(ReportStepProgress, { stepId: gid('StepProgress', ids.runningSteps[0]!), percent: 60 })],
    [
      'ingest batch',
      () =>
        request(
          `mutation PlanIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok error { code message } } }`,
          {
            commands: [
              { createExecution: { namespace: 'alpha', workflow: 'wf-1', steps: [{ name: 'a', type: 'script' }] } },
              { reportStepProgress: { stepId: gid('StepProgress', ids.runningSteps[1]!), percent: 80 } },
              { completeStep: { stepId: gid('StepProgress', ids.runningSteps[2]!) } },
              { startStep: { stepId: gid('StepProgress', ids.pendingSteps[2]!) } },
              { failExecution: { id: gid('Execution', ids.running[1]!), error: 'boom' } },
            ],
          },
        ).then((data) => {
          const results = (data as { ingest: { ok: boolean; error: unknown }[] }).ingest;
          expect(results.filter((r) => !r.ok)).toEqual([]);
        }),
    ],
    [
      'metrics for yesterday and for the last hour',
      async () => {
        const fields = 'total completed failed running queued duration { p50Ms p95Ms } queueTime { p50Ms } steps { type total duration { p95Ms } }';
        const to = today();
        const from = new Date(to.getTime() - 86_400_000);
        await request(`query PlanMetrics($from: DateTime, $to: DateTime) { metrics(from: $from, to: $to) { ${fields} } }`, { from, to });
        const hourAgo = new Date(Date.now() - 3_600_000);
        await request(`query PlanMetricsNs($from: DateTime, $ns: String) { metrics(from: $from, namespace: $ns) { ${fields} } }`, {
          from: hourAgo,
          ns: 'alpha',
        });
      },
    ],
    [
      'activeExecutions',
      async () => {
        await request(`query PlanActive { activeExecutions { executionId status progressPercent estimatedRemainingMs currentStep { name } } }`);
        await request(`query PlanActiveNs { activeExecutions(namespace: "beta") { executionId progressPercent } }`);
      },
    ],
    [
      'live feed scan',
      async () => {
        const { repository } = server.app.services;
        const head = await repository.eventHead();
        await repository.stableEventsSince({ txId: head!.txId - 1_000, id: 0 });
      },
    ],
    [
      'events subscription replay',
      () =>
        new Promise<void>((resolve, reject) => {
          let received = 0;
          const dispose = server.wsClient().subscribe(
            { query: print(EventsSubscription), variables: { filter: { executionId: gid('Execution', ids.withEvents) }, after: ids.executionCursor } },
            {
              next: (result) => {
                if (result.errors) reject(new Error(JSON.stringify(result.errors)));
                // Events 6..20 of the execution: the whole replay.
                if (++received === 15) {
                  dispose();
                  resolve();
                }
              },
              error: reject,
              complete: () => reject(new Error('subscription completed early')),
            },
          );
        }),
    ],
  ];

  /**
   * The plan for these values, and for a statement with parameters also the generic plan: the
   * server prepares statements, and after five runs Postgres may settle on the generic one.
   */
  async function plans(text: string, params: unknown[]): Promise<[string, PlanNode][]> {
    const planOf = (rows: postgres.Row[]) => (rows[0]!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
    const result: [string, PlanNode][] = [['custom', planOf(await sql.unsafe(`explain (format json) ${text}`, params as never[]))]];
    if (params.length === 0) return result;
    await sql.begin(async (tx) => {
      await tx.unsafe('set local plan_cache_mode = force_generic_plan');
      await tx.unsafe(`prepare plan_check as ${text}`);
      const nulls = params.map(() => 'null').join(', ');
      result.push(['generic', planOf(await tx.unsafe(`explain (format json) execute plan_check(${nulls})`))]);
      await tx.unsafe('deallocate plan_check');
    });
    return result;
  }

  it('has no sequential scan on executions, steps or events', async () => {
    const violations: string[] = [];
    const counts: string[] = [];
    for (const [name, run] of operations) {
      const captured: Statement[] = [];
      server.app.database.statements.onQuery = (text, params) => captured.push({ text, params });
      try {
        await run();
      } finally {
        server.app.database.statements.onQuery = undefined;
      }
      expect(captured.length, `${name} issued no SQL`).toBeGreaterThan(0);
      counts.push(`${name}: ${captured.length}`);
      for (const { text, params } of captured) {
        for (const [kind, plan] of await plans(text, params)) {
          for (const node of planNodes(plan)) {
            if (node['Node Type'] === 'Seq Scan' && LARGE_TABLES.has(node['Relation Name']!)) {
              violations.push(
                `${name}: Seq Scan on ${node['Relation Name']} (${node.Alias}${node.Filter ? `, filter ${node.Filter}` : ''}) in the ${kind} plan\n` +
                  `  statement: ${text.replace(/\s+/g, ' ').trim()}\n  params: ${JSON.stringify(params).slice(0, 300)}`,
              );
            }
          }
        }
      }
    }
    console.log(`statements per operation:\n  ${counts.join('\n  ')}`);
    expect(violations, violations.join('\n\n')).toEqual([]);
  });
});
