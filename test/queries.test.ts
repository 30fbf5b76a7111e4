import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId, parseId } from '../src/graphql/ids.js';
import {
  ActiveExecutions,
  CancelExecution,
  CompleteExecution,
  CompleteStep,
  CreateExecution,
  ExecutionsWithSteps,
  FailExecution,
  GetExecution,
  GetNode,
  ListEvents,
  ListExecutions,
  ReportStepProgress,
  RequestApproval,
  StartExecution,
  StartStep,
} from './documents.js';
import { createExecution, runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import type { EventFilter, ExecutionFilter, ListEventsQuery, ListExecutionsQuery } from './gql/graphql.js';
import { errorCodes, eventually, manualClock, startServer, type TestServer } from './harness.js';

const NewestEvents = graphql(`
  query NewestEvents($filter: EventFilter, $last: Int, $first: Int) {
    events(filter: $filter, last: $last, first: $first) {
      edges { node { id type execution { id workflow } step { id name } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
`);
const Viewer = graphql(`query Viewer { viewer { name scopes namespaces } }`);

const clock = manualClock();
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ clock });
});

type ExecutionNode = ListExecutionsQuery['executions']['edges'][number]['node'];
type EventNode = ListEventsQuery['events']['edges'][number]['node'];

/** `eventually`, typed for checks that return null until they succeed. */
const waitFor = async <T>(check: () => Promise<T | null>, timeoutMs?: number, what?: string) =>
  (await eventually(check, timeoutMs, what)) as T;

/** Reads every page of `executions` with `first`, checking each page's pageInfo on the way. */
async function allExecutionPages(filter: ExecutionFilter | null, first: number) {
  const pages: ListExecutionsQuery['executions'][] = [];
  let after: string | null = null;
  for (;;) {
    const { executions }: ListExecutionsQuery = await server.data(ListExecutions, { filter, first, after });
    pages.push(executions);
    if (executions.edges.length > 0) expect(executions.pageInfo.endCursor).toBe(executions.edges.at(-1)!.cursor);
    if (!executions.pageInfo.hasNextPage) return pages;
    expect(executions.edges).toHaveLength(first);
    after = executions.pageInfo.endCursor;
    expect(pages.length).toBeLessThan(1_000);
  }
}

async function listIds(filter: ExecutionFilter) {
  const { executions } = await server.data(ListExecutions, { filter, first: 500 });
  expect(executions.pageInfo.hasNextPage).toBe(false);
  return executions.edges.map((e) => e.node.id);
}

/** Reads every page of `events` with `first`; returns the events and the pages' pageInfo. */
async function allEventPages(filter: EventFilter, first: number, after: string | null = null) {
  const events: EventNode[] = [];
  const pageInfos: ListEventsQuery['events']['pageInfo'][] = [];
  for (;;) {
    const page: ListEventsQuery = await server.data(ListEvents, { filter, first, after });
    for (const edge of page.events.edges) {
      expect(edge.cursor).toBe(edge.node.cursor);
      events.push(edge.node);
    }
    pageInfos.push(page.events.pageInfo);
    if (!page.events.pageInfo.hasNextPage) return { events, pageInfos };
    after = page.events.pageInfo.endCursor;
    expect(pageInfos.length).toBeLessThan(1_000);
  }
}

/**
 * The event feed only shows events once every older transaction has finished; on a shared Postgres
 * server a transaction in another test database can hold that back for a moment, so wait for them.
 */
async function eventsOnceVisible(filter: EventFilter, expected: number): Promise<EventNode[]> {
  return waitFor(
    async () => {
      const { events } = await server.data(ListEvents, { filter, first: 500 });
      return events.edges.length >= expected ? events.edges.map((e) => e.node) : null;
    },
    10_000,
    `${expected} events for ${JSON.stringify(filter)}`,
  );
}

describe('executions', () => {
  it('lists newest first with stable cursor pagination, ties on createdAt included', async () => {
    clock.set(new Date('2026-01-10T00:00:00.000Z'));
    const created: { id: string; createdAt: string }[] = [];
    for (let i = 0; i < 12; i++) {
      // Groups of three share a createdAt, so the id tie-break decides inside each group.
      if (i % 3 === 0) clock.advance(1_000);
      const execution = await createExecution(server, { namespace: 'paging', stepCount: 1 });
      created.push({ id: execution.id, createdAt: execution.createdAt });
    }

    const pages = await allExecutionPages({ namespace: 'paging' }, 5);
    expect(pages.map((p) => p.edges.length)).toEqual([5, 5, 2]);
    expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    const paged = pages.flatMap((p) => p.edges.map((e) => e.node));

    const ids = paged.map((n) => n.id);
    expect(new Set(ids).size).toBe(12);
    expect([...ids].sort()).toEqual(created.map((c) => c.id).sort());
    const times = paged.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(paged.map((n) => n.createdAt)).toEqual(created.map((c) => c.createdAt).reverse());

    // The same order in one read and on a second walk: the tie-break is deterministic.
    expect(await listIds({ namespace: 'paging' })).toEqual(ids);
    const again = await allExecutionPages({ namespace: 'paging' }, 5);
    expect(again.flatMap((p) => p.edges.map((e) => e.node.id))).toEqual(ids);

    // Past the end: an empty page that keeps the cursor it was given.
    const last = pages.at(-1)!.pageInfo.endCursor!;
    const beyond = await server.data(ListExecutions, { filter: { namespace: 'paging' }, first: 5, after: last });
    expect(beyond.executions.edges).toEqual([]);
    expect(beyond.executions.pageInfo).toEqual({ hasNextPage: false, endCursor: last });
  });

  it('pages through the unfiltered list the same way as one big read', async () => {
    const whole = await server.data(ListExecutions, { first: 500 });
    const paged = (await allExecutionPages(null, 5)).flatMap((p) => p.edges.map((e) => e.node.id));
    expect(paged).toEqual(whole.executions.edges.map((e) => e.node.id));
    expect(paged.length).toBeGreaterThanOrEqual(12);
  });

  it('filters by namespace, workflow, status and createdAfter/createdBefore', async () => {
    const t0 = new Date('2026-02-01T00:00:00.000Z');
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    const ns = 'filters';
    const make = async (minutes: number, input: Parameters<typeof createExecution>[1]) => {
      clock.set(at(minutes));
      return createExecution(server, { namespace: ns, stepCount: 1, ...input });
    };

    const a = await make(0, { workflow: 'filters-wf-a' }); // PENDING
    const b = await make(60, { workflow: 'filters-wf-b' });
    await server.data(StartExecution, { id: b.id }); // RUNNING
    const c = await make(120, { workflow: 'filters-wf-a' });
    await server.data(StartExecution, { id: c.id });
    await server.data(CompleteExecution, { id: c.id }); // COMPLETED
    const d = await make(180, { workflow: 'filters-wf-a', queued: true }); // QUEUED
    const e = await make(60, { workflow: 'filters-wf-a', namespace: 'filters-other' });

    expect(await listIds({ namespace: ns })).toEqual([d.id, c.id, b.id, a.id]);
    expect(await listIds({ namespace: 'filters-other' })).toEqual([e.id]);
    expect(await listIds({ namespace: 'filters-nobody' })).toEqual([]);
    expect(await listIds({ namespace: ns, workflow: 'filters-wf-a' })).toEqual([d.id, c.id, a.id]);
    expect(await listIds({ workflow: 'filters-wf-a' })).toEqual([d.id, c.id, e.id, a.id]);
    expect(await listIds({ namespace: ns, status: ['RUNNING', 'QUEUED'] })).toEqual([d.id, b.id]);
    expect(await listIds({ namespace: ns, status: ['FAILED'] })).toEqual([]);
    expect(await listIds({ namespace: ns, createdAfter: at(30).toISOString() })).toEqual([d.id, c.id, b.id]);
    expect(await listIds({ namespace: ns, createdBefore: at(150).toISOString() })).toEqual([c.id, b.id, a.id]);
    expect(
      await listIds({ namespace: ns, createdAfter: at(30).toISOString(), createdBefore: at(150).toISOString() }),
    ).toEqual([c.id, b.id]);
    expect(
      await listIds({
        namespace: ns,
        workflow: 'filters-wf-a',
        status: ['COMPLETED', 'PENDING'],
        createdAfter: at(-1).toISOString(),
      }),
    ).toEqual([c.id, a.id]);

    // Filters and pagination together.
    const pages = await allExecutionPages({ namespace: ns, workflow: 'filters-wf-a' }, 2);
    expect(pages.map((p) => p.edges.map((edge) => edge.node.id))).toEqual([[d.id, c.id], [a.id]]);
  });

  it('reads the day before the newest possible row first, and older days only when that day does not fill the page', async () => {
    const now = Date.parse('2026-03-10T12:00:00.000Z');
    const hoursAgo = [72, 30, 25, 23, 2, 1];
    const ids: string[] = [];
    for (const hours of hoursAgo) {
      clock.set(new Date(now - hours * 3_600_000));
      ids.push((await createExecution(server, { namespace: 'window', stepCount: 1 })).id);
    }
    clock.set(new Date(now));
    const newestFirst = [...ids].reverse();
    const statements = server.app.database.statements;
    const page = async (after: string | null) => {
      const texts: string[] = [];
      statements.onQuery = (text) => texts.push(text);
      const { executions } = await server.data(ListExecutions, { filter: { namespace: 'window' }, first: 2, after });
      statements.onQuery = undefined;
      const reads = texts.filter((text) => text.includes('order by "executions"."created_at" desc'));
      return { ids: executions.edges.map((e) => e.node.id), more: executions.pageInfo.hasNextPage, after: executions.pageInfo.endCursor, reads };
    };

    // 1 h, 2 h and 23 h ago: the day before now fills a page of two and tells there is more.
    const first = await page(null);
    expect(first).toMatchObject({ ids: newestFirst.slice(0, 2), more: true });
    expect(first.reads).toEqual([expect.stringContaining('"executions"."created_at" >= $')]);
    // After 2 h ago, the day before that cursor holds 23 h and 25 h ago; 30 h ago comes from the older days.
    const second = await page(first.after);
    expect(second).toMatchObject({ ids: newestFirst.slice(2, 4), more: true });
    expect(second.reads).toEqual([expect.stringContaining('"executions"."created_at" >= $'), expect.stringContaining('"executions"."created_at" < $')]);
    const third = await page(second.after);
    expect(third).toMatchObject({ ids: newestFirst.slice(4), more: false });
    expect(await listIds({ namespace: 'window' })).toEqual(newestFirst);
    expect(await listIds({ namespace: 'window', createdBefore: new Date(now - 24 * 3_600_000).toISOString() })).toEqual(newestFirst.slice(3));
  });

  it('execution(id) is null for an unknown id', async () => {
    const result = await server.request(GetExecution, { id: encodeGlobalId('Execution', randomUUID()) });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ execution: null });
  });
});

describe('node(id)', () => {
  it('resolves executions, steps and events with their __typename', async () => {
    const execution = await runningExecution(server, { namespace: 'nodes', stepCount: 2 });
    const step = execution.steps[1]!;
    await server.data(StartStep, { stepId: step.id });
    const [created] = await eventsOnceVisible({ executionId: execution.id, types: ['STEP_STARTED'] }, 1);

    expect((await server.data(GetNode, { id: execution.id })).node).toEqual({
      __typename: 'Execution',
      id: execution.id,
      workflow: execution.workflow,
    });
    expect((await server.data(GetNode, { id: step.id })).node).toEqual({ __typename: 'StepProgress', id: step.id, name: 's1' });
    expect((await server.data(GetNode, { id: created!.id })).node).toEqual({
      __typename: 'ExecutionEvent',
      id: created!.id,
      type: 'STEP_STARTED',
      seq: 3,
    });
  });

  it('is null for unknown ids of each type and an error for a malformed one', async () => {
    for (const id of [
      encodeGlobalId('Execution', randomUUID()),
      encodeGlobalId('StepProgress', randomUUID()),
      encodeGlobalId('ExecutionEvent', 987_654_321),
    ]) {
      const result = await server.request(GetNode, { id });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ node: null });
    }
    expect(errorCodes(await server.request(GetNode, { id: 'not-an-id' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('activeExecutions', () => {
  it('lists QUEUED, RUNNING and WAITING_APPROVAL executions, oldest first, and filters by namespace', async () => {
    clock.set(new Date('2026-03-01T00:00:00.000Z'));
    const ns = 'active';
    const tick = () => clock.advance(1_000);

    await createExecution(server, { namespace: ns }); // PENDING
    tick();
    const queued = await createExecution(server, { namespace: ns, queued: true });
    tick();
    const running = await runningExecution(server, { namespace: ns });
    await server.data(StartStep, { stepId: running.steps[0]!.id });
    await server.data(ReportStepProgress, { stepId: running.steps[0]!.id, percent: 50 });
    tick();
    const waiting = await runningExecution(server, { namespace: ns });
    await server.data(RequestApproval, { stepId: waiting.steps[0]!.id });
    tick();
    const completed = await runningExecution(server, { namespace: ns, stepCount: 0 });
    await server.data(CompleteExecution, { id: completed.id });
    const failed = await runningExecution(server, { namespace: ns });
    await server.data(FailExecution, { id: failed.id, error: 'boom' });
    const cancelled = await createExecution(server, { namespace: ns, queued: true });
    await server.data(CancelExecution, { id: cancelled.id });
    tick();
    const elsewhere = await runningExecution(server, { namespace: 'active-other' });

    const { activeExecutions } = await server.data(ActiveExecutions, { namespace: ns });
    expect(activeExecutions.map((p) => [p.executionId, p.status])).toEqual([
      [queued.id, 'QUEUED'],
      [running.id, 'RUNNING'],
      [waiting.id, 'WAITING_APPROVAL'],
    ]);
    expect(activeExecutions[1]).toMatchObject({ totalSteps: 3, currentStep: { name: 's0' } });
    expect(activeExecutions[1]!.progressPercent).toBeGreaterThan(0);
    expect(activeExecutions[2]!.currentStep).toEqual({ name: 's0' });

    const other = await server.data(ActiveExecutions, { namespace: 'active-other' });
    expect(other.activeExecutions.map((p) => p.executionId)).toEqual([elsewhere.id]);

    const all = (await server.data(ActiveExecutions, {})).activeExecutions;
    const allIds = all.map((p) => p.executionId);
    expect(allIds).toEqual(expect.arrayContaining([queued.id, running.id, waiting.id, elsewhere.id]));
    expect(allIds).not.toContain(completed.id);
    expect(allIds).not.toContain(failed.id);
    expect(allIds).not.toContain(cancelled.id);
    expect(all.every((p) => ['QUEUED', 'RUNNING', 'WAITING_APPROVAL'].includes(p.status))).toBe(true);
  });
});

describe('events', () => {
  it('filters by namespace, executionId and types', async () => {
    const ns = 'events-filter';
    const x = await runningExecution(server, { namespace: ns, stepCount: 3 }); // CREATED, STARTED
    const step = x.steps[0]!.id;
    await server.data(StartStep, { stepId: step });
    await server.data(ReportStepProgress, { stepId: step, percent: 30 });
    await server.data(CompleteStep, { stepId: step }); // x: 5 events
    const y = await runningExecution(server, { namespace: ns }); // y: 2 events
    const z = await runningExecution(server, { namespace: 'events-filter-other' });

    const inNamespace = await eventsOnceVisible({ namespace: ns }, 7);
    expect(inNamespace).toHaveLength(7);
    expect(inNamespace.every((e) => e.namespace === ns)).toBe(true);
    expect(new Set(inNamespace.map((e) => e.executionId))).toEqual(new Set([x.id, y.id]));

    const ofX = await eventsOnceVisible({ executionId: x.id }, 5);
    expect(ofX.map((e) => [e.seq, e.type])).toEqual([
      [1, 'EXECUTION_CREATED'],
      [2, 'EXECUTION_STARTED'],
      [3, 'STEP_STARTED'],
      [4, 'STEP_PROGRESS'],
      [5, 'STEP_COMPLETED'],
    ]);
    expect(ofX.every((e) => e.executionId === x.id)).toBe(true);
    expect(ofX.slice(2).every((e) => e.stepId === step)).toBe(true);

    const typed = await eventsOnceVisible({ namespace: ns, types: ['EXECUTION_STARTED', 'STEP_PROGRESS'] }, 3);
    expect(typed.map((e) => [e.executionId, e.type])).toEqual([
      [x.id, 'EXECUTION_STARTED'],
      [x.id, 'STEP_PROGRESS'],
      [y.id, 'EXECUTION_STARTED'],
    ]);
    const combined = await eventsOnceVisible({ namespace: ns, executionId: y.id, types: ['EXECUTION_CREATED'] }, 1);
    expect(combined.map((e) => [e.executionId, e.seq])).toEqual([[y.id, 1]]);

    const ofZ = await eventsOnceVisible({ executionId: z.id }, 2);
    expect(ofZ.every((e) => e.namespace === 'events-filter-other')).toBe(true);
    const none = await server.data(ListEvents, { filter: { namespace: ns, executionId: z.id }, first: 10 });
    expect(none.events.edges).toEqual([]);
  });

  it('resumes with `after`: small pages read the same sequence as one big read', async () => {
    const ns = 'events-paging';
    const executions = [await runningExecution(server, { namespace: ns, stepCount: 2 }), await runningExecution(server, { namespace: ns })];
    for (const execution of executions) {
      const step = execution.steps[0]!.id;
      await server.data(StartStep, { stepId: step });
      for (const percent of [10, 20, 30]) await server.data(ReportStepProgress, { stepId: step, percent });
      await server.data(CompleteStep, { stepId: step });
    }
    const total = executions.length * 7; // created, started, step started, 3 x progress, step completed
    const whole = await eventsOnceVisible({ namespace: ns }, total);
    expect(whole).toHaveLength(total);

    const { events: paged, pageInfos } = await allEventPages({ namespace: ns }, 3);
    expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
    expect(paged.map((e) => e.cursor)).toEqual(whole.map((e) => e.cursor));
    expect(new Set(paged.map((e) => e.id)).size).toBe(total);
    expect(pageInfos.at(-1)!.endCursor).toBe(whole.at(-1)!.cursor);
    expect(pageInfos.slice(0, -1).every((p) => p.hasNextPage)).toBe(true);
    for (const execution of executions) {
      const seqs = paged.filter((e) => e.executionId === execution.id).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }

    // Starting from any event's cursor gives exactly the events after it.
    const middle = whole[5]!;
    const rest = await allEventPages({ namespace: ns }, 4, middle.cursor);
    expect(rest.events.map((e) => e.id)).toEqual(whole.slice(6).map((e) => e.id));

    // An empty page at the end hands back the cursor it was given...
    const end = whole.at(-1)!.cursor;
    const empty = await server.data(ListEvents, { filter: { namespace: ns }, first: 3, after: end });
    expect(empty.events.edges).toEqual([]);
    expect(empty.events.pageInfo).toEqual({ hasNextPage: false, endCursor: end });

    // ...so a reader can keep polling with it and pick up exactly what is written next.
    await server.data(CompleteExecution, { id: executions[1]!.id });
    const next = await waitFor(async () => {
      const page = await server.data(ListEvents, { filter: { namespace: ns }, first: 3, after: end });
      return page.events.edges.length > 0 ? page.events : null;
    });
    expect(next.edges.map((e) => [e.node.executionId, e.node.type, e.node.seq])).toEqual([
      [executions[1]!.id, 'EXECUTION_COMPLETED', 8],
    ]);
    expect(next.pageInfo).toEqual({ hasNextPage: false, endCursor: next.edges[0]!.cursor });
  });

  it('reads the newest events with `last`, in feed order, with their execution and step; a feed resumes from its endCursor', async () => {
    const ns = 'events-last';
    const execution = await runningExecution(server, { namespace: ns, stepCount: 1 });
    const step = execution.steps[0]!.id;
    await server.data(StartStep, { stepId: step });
    await server.data(ReportStepProgress, { stepId: step, percent: 40 });
    const whole = await eventsOnceVisible({ namespace: ns }, 4);

    const { events } = await server.data(NewestEvents, { filter: { namespace: ns }, last: 2 });
    expect(events.edges.map((e) => e.node.id)).toEqual(whole.slice(-2).map((e) => e.id));
    expect(events.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false, endCursor: whole.at(-1)!.cursor });
    expect(events.edges.map((e) => [e.node.type, e.node.execution?.workflow, e.node.step?.name])).toEqual([
      ['STEP_STARTED', execution.workflow, 's0'],
      ['STEP_PROGRESS', execution.workflow, 's0'],
    ]);
    const all = await server.data(NewestEvents, { filter: { namespace: ns }, last: 10 });
    expect(all.events.edges).toHaveLength(4);
    expect(all.events.pageInfo.hasPreviousPage).toBe(false);
    expect(all.events.edges[0]!.node.step).toBeNull();
    expect(errorCodes(await server.request(NewestEvents, { last: 2, first: 2 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await server.request(NewestEvents, { last: 501 }))).toEqual(['BAD_USER_INPUT']);

    // What is written after the page arrives through a feed started from its endCursor.
    const feed = server.wsClient().iterate({
      query: 'subscription($after: String, $filter: EventFilter) { events(after: $after, filter: $filter) { type seq } }',
      variables: { after: events.pageInfo.endCursor, filter: { namespace: ns } },
    });
    await server.data(CompleteStep, { stepId: step });
    const first = await feed.next();
    expect((first.value as { data: { events: { type: string } } }).data.events.type).toBe('STEP_COMPLETED');
    await feed.return?.();
  });
});

describe("finding executions by the engine's id", () => {
  const ByExternalId = 'query($ns: String, $ext: String!) { executionByExternalId(namespace: $ns, externalId: $ext) { id workflow namespace externalId } }';
  const Filtered = 'query($filter: ExecutionFilter) { executions(filter: $filter, first: 50) { edges { node { id } } } }';
  const idsOf = async (filter: Record<string, unknown>) => {
    const result = await server.request<{ executions: { edges: { node: { id: string } }[] } }, unknown>(Filtered, { filter });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.executions.edges.map((e) => e.node.id);
  };

  it('executionByExternalId, the externalId, labels and search filters, and a reused externalId with another workflow is CONFLICT', async () => {
    clock.advance(1);
    const x = await createExecution(server, { namespace: 'ext', workflow: 'deploy', externalId: 'Run-1', labels: { team: 'a', env: 'prod', region: { name: 'eu' } } });
    clock.advance(1);
    const y = await createExecution(server, { namespace: 'ext', workflow: 'deploy', externalId: 'run-2', labels: { team: 'b' } });
    clock.advance(1);
    const bare = await createExecution(server, { namespace: 'ext', workflow: 'deploy' });
    const z = await createExecution(server, { namespace: 'ext-other', workflow: 'deploy', externalId: 'Run-1' });
    clock.advance(1);
    const plain = await createExecution(server, { workflow: 'deploy', externalId: 'default-run' });

    expect((await server.request(ByExternalId, { ns: 'ext', ext: 'Run-1' })).data).toEqual({ executionByExternalId: { id: x.id, workflow: 'deploy', namespace: 'ext', externalId: 'Run-1' } });
    expect(((await server.request(ByExternalId, { ns: 'ext-other', ext: 'Run-1' })).data as { executionByExternalId: { id: string } }).executionByExternalId.id).toBe(z.id);
    expect(((await server.request(ByExternalId, { ext: 'default-run' })).data as { executionByExternalId: { id: string } }).executionByExternalId.id).toBe(plain.id);
    expect((await server.request(ByExternalId, { ns: 'ext', ext: 'run-1' })).data).toEqual({ executionByExternalId: null });
    // Trimmed as createExecution trims it.
    expect(((await server.request(ByExternalId, { ns: 'ext', ext: ' Run-1 ' })).data as { executionByExternalId: { id: string } }).executionByExternalId.id).toBe(x.id);
    expect(await idsOf({ namespace: 'ext', externalId: ' Run-1 ' })).toEqual([x.id]);
    expect(await idsOf({ namespace: 'ext', externalId: '' })).toEqual([bare.id, y.id, x.id]);

    expect(await idsOf({ externalId: 'Run-1' })).toEqual([z.id, x.id]);
    expect(await idsOf({ namespace: 'ext', externalId: 'Run-1' })).toEqual([x.id]);
    expect(await idsOf({ labels: { team: 'a' } })).toEqual([x.id]);
    expect(await idsOf({ labels: { team: 'a', region: { name: 'eu' } } })).toEqual([x.id]);
    expect(await idsOf({ labels: { team: 'a', env: 'dev' } })).toEqual([]);
    expect(await idsOf({ namespace: 'ext', labels: {} })).toEqual([bare.id, y.id, x.id]);
    const notAnObject = await server.request(Filtered, { filter: { labels: ['team'] } });
    expect(notAnObject.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', field: 'labels' } }]);

    expect(await idsOf({ namespace: 'ext', search: 'RUN' })).toEqual([y.id, x.id]);
    expect(await idsOf({ search: 'un-2' })).toEqual([y.id]);
    expect(await idsOf({ search: '%' })).toEqual([]);
    expect(await idsOf({ search: y.id })).toEqual([y.id]);
    expect(await idsOf({ search: parseId(x.id, 'Execution').toUpperCase() })).toEqual([x.id]);

    // The same externalId and workflow is a repeat; another workflow is a conflict, on the mutation and in a batch.
    const repeat = await server.data(CreateExecution, { input: { namespace: 'ext', workflow: 'deploy', externalId: 'Run-1', steps: [] } });
    expect(repeat.createExecution.id).toBe(x.id);
    const reused = await server.request(CreateExecution, { input: { namespace: 'ext', workflow: 'backup', externalId: 'Run-1', steps: [] } });
    expect(reused.errors).toMatchObject([{ extensions: { code: 'CONFLICT', field: 'externalId', workflow: 'deploy' } }]);
    const batch = await server.request('mutation($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok error { code } execution { id } } }', {
      commands: [{ createExecution: { namespace: 'ext', workflow: 'backup', externalId: 'run-2', steps: [] } }, { createExecution: { namespace: 'ext', workflow: 'deploy', externalId: 'run-2', steps: [] } }],
    });
    expect(batch.data).toEqual({ ingest: [{ ok: false, error: { code: 'CONFLICT' }, execution: null }, { ok: true, error: null, execution: { id: y.id } }] });
    expect(await idsOf({ externalId: 'Run-1' })).toEqual([z.id, x.id]);
  });
});

describe('cursors', () => {
  const forged = (text: string) => Buffer.from(text).toString('base64url');
  const notFound = { code: 'BAD_USER_INPUT', field: 'after', reason: 'CURSOR_NOT_FOUND' };

  it('a well-formed cursor naming nothing gets CURSOR_NOT_FOUND on every connection, as on the events subscription', async () => {
    const execution = await runningExecution(server, { namespace: 'cursors' });
    const noEvent = forged('ev:1:999999999');
    const someTime = new Date('2026-01-01T00:00:00.000Z').getTime();
    const connections: [string, string, Record<string, unknown>][] = [
      ['events', 'query($after: String) { events(first: 5, after: $after) { edges { cursor } } }', { after: noEvent }],
      ['Execution.events', 'query($id: ID!, $after: String) { execution(id: $id) { events(first: 5, after: $after) { edges { cursor } } } }', { id: execution.id, after: noEvent }],
      ['executions', 'query($after: String) { executions(first: 5, after: $after) { edges { cursor } } }', { after: forged(`ex:${someTime}:${randomUUID()}`) }],
      // A real execution's id with another position names nothing either.
      ['executions (moved)', 'query($after: String) { executions(first: 5, after: $after) { edges { cursor } } }', { after: forged(`ex:${someTime + 1}:${parseId(execution.id, 'Execution')}`) }],
      ['alerts', 'query($after: String) { alerts(first: 5, after: $after) { edges { cursor } } }', { after: forged(`al:${someTime}:${randomUUID()}`) }],
      ['silences', 'query($after: String) { silences(first: 5, after: $after) { edges { cursor } } }', { after: forged(`si:${someTime}:${randomUUID()}`) }],
      ['alertDeliveries', 'query($after: String) { alertDeliveries(first: 5, after: $after) { edges { cursor } } }', { after: forged('dl:999999') }],
    ];
    for (const [name, query, variables] of connections) {
      const result = await server.request(query, variables);
      expect(result.errors, name).toMatchObject([{ extensions: notFound }]);
    }

    const live = server.wsClient().iterate({ query: 'subscription($after: String) { events(after: $after) { id } }', variables: { after: noEvent } });
    const subscribed = await live.next().catch((errors: unknown) => ({ value: { errors } }));
    const query = await server.request('query($after: String) { events(first: 5, after: $after) { edges { cursor } } }', { after: noEvent });
    const answer = (errors: GraphQLFormattedError[]) => errors.map(({ message, extensions }) => ({ message, extensions }));
    expect(answer((subscribed.value as { errors: GraphQLFormattedError[] }).errors)).toEqual(answer(query.errors!));

    // The cursors those connections return still resume them.
    const { events } = await server.data(ListEvents, { filter: { executionId: execution.id }, first: 1 });
    const rest = await server.data(ListEvents, { filter: { executionId: execution.id }, first: 5, after: events.pageInfo.endCursor });
    expect(rest.events.edges.map((e) => e.node.type)).toEqual(['EXECUTION_STARTED']);
  });
});

describe('viewer', () => {
  it('tells the caller its scopes (anonymous on loopback: all of them)', async () => {
    const { viewer } = await server.data(Viewer, undefined as never);
    expect(viewer.scopes.sort()).toEqual(['ADMIN', 'ALERTS_WRITE', 'INGEST', 'READ']);
    expect(viewer.namespaces).toBeNull();
  });
});

describe('N+1 guard', () => {
  it('reads executions with steps and progress in a constant number of statements', async () => {
    clock.set(new Date('2030-01-01T00:00:00.000Z'));
    for (let i = 0; i < 50; i++) {
      clock.advance(1);
      await createExecution(server, { namespace: 'nplus1', stepCount: 4 });
    }
    const statements = server.app.database.statements;

    // Writes wake the feed watcher, which reads in the background; wait until nothing else is running.
    let quietRoundTrips = 0;
    await eventually(async () => {
      const before = statements.count;
      await server.request('{ __typename }');
      quietRoundTrips = statements.count === before ? quietRoundTrips + 1 : 0;
      return quietRoundTrips >= 3;
    });

    const measure = async (first: number) => {
      const texts: string[] = [];
      statements.onQuery = (text) => texts.push(text);
      const { executions } = await server.data(ExecutionsWithSteps, { first });
      statements.onQuery = undefined;
      expect(executions.edges).toHaveLength(first);
      expect(executions.edges.every((e) => e.node.steps.length === 4 && e.node.progress.progressPercent === 0)).toBe(true);
      return texts;
    };
    const small = await measure(5);
    const large = await measure(50);
    console.log(`N+1 guard: ExecutionsWithSteps issued ${small.length} statements for first: 5 and ${large.length} for first: 50`);
    // The page, the steps, and the ETA history check (the histories re-read only where runs finished since).
    expect(small).toHaveLength(3);
    // The same texts whatever the page size: each is prepared once per connection, not once per length;
    // 50 executions do not fill a page of 50 (51 rows tell whether there is more), so older days are read too.
    expect(large).toEqual([small[0], expect.stringContaining('"executions"."created_at" < $'), ...small.slice(1)]);

    // One execution with its steps: one statement, the steps in position order.
    const { executions } = await server.data(ExecutionsWithSteps, { first: 1 });
    const expected = executions.edges[0]!.node;
    const texts: string[] = [];
    statements.onQuery = (text) => texts.push(text);
    const byId = await server.request('query($id: ID!) { execution(id: $id) { id steps { id name status position } } }', { id: expected.id });
    statements.onQuery = undefined;
    expect(texts).toHaveLength(1);
    expect(byId).toEqual({ data: { execution: { id: expected.id, steps: expected.steps.map((s, position) => ({ ...s, position })) } } });
  });
});
