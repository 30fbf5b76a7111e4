import { spawn } from 'node:child_process';
import { print } from 'graphql';
import { sql } from 'drizzle-orm';
import type { Client } from 'graphql-ws';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseId } from '../src/graphql/ids.js';
import {
  CompleteExecution,
  CompleteStep,
  EventsSubscription,
  ListEvents,
  ProgressSubscription,
  ReportStepProgress,
  StartExecution,
  StartStep,
} from './documents.js';
import { createExecution, floodEvents, runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import { eventually, freshDatabaseUrl, onPostgres, startServer, type TestServer } from './harness.js';

interface LiveEvent {
  cursor: string;
  seq: number;
  namespace: string;
  type: string;
  executionId: string | null;
}

interface Collector {
  events: LiveEvent[];
  errors: unknown[];
  completed: boolean;
  closeCode: number | null;
  dispose(): void;
}

function collect(client: Client, variables: Record<string, unknown>): Collector {
  const collector: Collector = { events: [], errors: [], completed: false, closeCode: null, dispose: () => {} };
  collector.dispose = client.subscribe(
    { query: print(EventsSubscription), variables },
    {
      next: (result) => {
        if (result.errors) collector.errors.push(...result.errors);
        if (result.data) collector.events.push((result.data as { events: LiveEvent }).events);
      },
      error: (error) => collector.errors.push(error),
      complete: () => void (collector.completed = true),
    },
  );
  return collector;
}

/** The whole stable log after `after`, read page by page through the query API. */
async function readLog(server: TestServer, filter: Record<string, unknown> | null, after: string | null) {
  const all: LiveEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await server.data(ListEvents, { filter, first: 500, after: cursor });
    all.push(...page.events.edges.map((e) => e.node));
    cursor = page.events.pageInfo.endCursor ?? cursor;
    if (!page.events.pageInfo.hasNextPage) return { events: all, endCursor: cursor };
  }
}

/** Drives each step of the executions through start, progress and completion, writers in parallel. */
async function writeSteps(server: TestServer, executions: { steps: { id: string }[] }[], writers = 8) {
  const stepIds = executions.flatMap((e) => e.steps.map((s) => s.id));
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < stepIds.length) {
        const stepId = stepIds[next++]!;
        await server.data(StartStep, { stepId });
        await server.data(ReportStepProgress, { stepId, percent: 50 });
        await server.data(CompleteStep, { stepId });
      }
    }),
  );
  return stepIds.length * 3;
}

const expectExactlyOnceInOrder = (received: LiveEvent[], expected: LiveEvent[]) => {
  expect(received.map((e) => e.cursor)).toEqual(expected.map((e) => e.cursor));
  // seq is gap-free per execution, and per namespace for system events (no execution).
  const seqs = new Map<string, number>();
  for (const event of received) {
    const stream = event.executionId ?? `system:${event.namespace}`;
    expect(event.seq).toBe((seqs.get(stream) ?? event.seq - 1) + 1);
    seqs.set(stream, event.seq);
  }
};

describe('Subscription.events', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });

  it('reads nothing on writes while no feed is live; a feed from an earlier cursor then gets every event once, in order', async () => {
    // First in this file: the server has had no live feed yet.
    const statements = server.app.database.statements;
    const feedScans: string[] = [];
    statements.onQuery = (text) => void (text.includes('"tx_id" < pg_snapshot_xmin') && feedScans.push(text));
    const execution = await runningExecution(server, { stepCount: 4 });
    await writeSteps(server, [{ steps: execution.steps.slice(0, 2) }], 1);
    statements.onQuery = undefined;
    // A wake-up's scan would start at once, before the response of the write that published it.
    expect(feedScans).toEqual([]);

    const filter = { executionId: execution.id };
    const [first] = (await readLog(server, filter, null)).events;
    const collector = collect(server.wsClient(), { filter, after: first!.cursor });
    await eventually(() => server.app.services.live.watcher.size > 0, 5_000, 'subscribed');
    await writeSteps(server, [{ steps: execution.steps.slice(2) }], 1);
    const expected = (await readLog(server, filter, first!.cursor)).events;
    expect(expected).toHaveLength(1 + 4 * 3);
    await eventually(() => collector.events.length >= expected.length, 10_000, `${expected.length} events`);
    expect(collector.errors).toEqual([]);
    expectExactlyOnceInOrder(collector.events, expected);
    collector.dispose();
  });

  it('replays from a cursor, then hands off to live with concurrent writers: every event once, in order', async () => {
    const executions = await Promise.all([1, 2, 3, 4].map(() => runningExecution(server, { stepCount: 6 })));
    const { endCursor: start } = await readLog(server, null, null);
    const writing = writeSteps(server, executions);
    // Subscribe while the writers are busy: part of the feed is replayed, the rest arrives live.
    await eventually(async () => (await readLog(server, null, start)).events.length > 10, 10_000, 'some writes');
    const collector = collect(server.wsClient(), { after: start });
    const written = await writing;
    const expected = (await readLog(server, null, start)).events;
    // The unfiltered feed may also hold the monitor's SYSTEM_* events; all of them must arrive too.
    expect(expected.filter((e) => e.executionId !== null)).toHaveLength(written);
    await eventually(() => collector.events.length >= expected.length, 15_000, `${expected.length} events`);
    expect(collector.errors).toEqual([]);
    expectExactlyOnceInOrder(collector.events, expected);
  });

  it('loses nothing across a disconnect: resuming from the last cursor completes the feed without duplicates', async () => {
    const execution = await runningExecution(server, { stepCount: 8 });
    const filter = { executionId: execution.id };
    const { endCursor: start } = await readLog(server, filter, null);
    const firstClient = server.wsClient();
    const first = collect(firstClient, { filter, after: start });
    await writeSteps(server, [{ steps: execution.steps.slice(0, 3) }], 1);
    await eventually(() => first.events.length >= 9, 10_000, 'first part');
    await firstClient.dispose();

    await writeSteps(server, [{ steps: execution.steps.slice(3, 6) }], 1);
    const second = collect(server.wsClient(), { filter, after: first.events.at(-1)!.cursor });
    await writeSteps(server, [{ steps: execution.steps.slice(6) }], 1);

    const expected = (await readLog(server, filter, start)).events;
    expect(expected).toHaveLength(24);
    await eventually(() => first.events.length + second.events.length >= 24, 10_000, 'the rest');
    expectExactlyOnceInOrder([...first.events, ...second.events], expected);
  });

  it('starts from now without a cursor, and rejects unknown or garbage cursors with a stable code', async () => {
    const execution = await runningExecution(server, { stepCount: 1 });
    const watching = server.app.services.live.watcher.size;
    const live = collect(server.wsClient(), { filter: { executionId: execution.id } });
    await eventually(() => server.app.services.live.watcher.size > watching, 5_000, 'subscription registered');
    await server.data(StartStep, { stepId: execution.steps[0]!.id });
    await eventually(() => live.events.length >= 1, 5_000, 'a live event');
    expect(live.events.map((e) => e.type)).toEqual(['STEP_STARTED']);

    const client = server.wsClient();
    const garbage = collect(client, { after: 'not-a-cursor' });
    const vanished = collect(client, { after: Buffer.from('ev:1:999999999').toString('base64url') });
    await eventually(() => garbage.errors.length > 0 && vanished.errors.length > 0, 5_000, 'cursor errors');
    expect(garbage.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }]);
    expect(vanished.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_NOT_FOUND' } }]);

    // The same socket carries on: a good subscription on it still receives events.
    const healthy = collect(client, { filter: { executionId: execution.id }, after: live.events[0]!.cursor });
    await server.data(CompleteStep, { stepId: execution.steps[0]!.id });
    await eventually(() => healthy.events.length >= 1, 5_000, 'event on the same socket');
  });

  it('sends subscribers of the same event the same payload, in the message graphql-ws would write', async () => {
    const execution = await runningExecution(server, { stepCount: 2 });
    const filter = { executionId: execution.id };
    const { endCursor: start } = await readLog(server, filter, null);
    const texts = new Map<WebSocket, string[]>();
    class RecordingWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        texts.set(this, []);
        this.on('message', (data) => texts.get(this)!.push(String(data)));
      }
    }
    const subscribers = [1, 2, 3].map(() => collect(server.wsClient({ webSocketImpl: RecordingWebSocket }), { filter, after: start }));
    await writeSteps(server, [execution], 1);
    await eventually(() => subscribers.every((s) => s.events.length >= 6), 10_000, 'every subscriber');

    const payloads = [...texts.values()].map((messages) =>
      messages
        .map((text) => ({ text, message: JSON.parse(text) as { id: string; type: string; payload: unknown } }))
        .filter(({ message }) => message.type === 'next')
        .map(({ text, message }) => {
          expect(text).toBe(JSON.stringify({ id: message.id, type: 'next', payload: message.payload }));
          return JSON.stringify(message.payload);
        }),
    );
    expect(payloads[0]).toHaveLength(6);
    expect(payloads[1]).toEqual(payloads[0]);
    expect(payloads[2]).toEqual(payloads[0]);
  });

  it('delivers the same sequence over SSE as over graphql-ws', async () => {
    const execution = await runningExecution(server, { stepCount: 3 });
    const filter = { executionId: execution.id };
    const { endCursor: start } = await readLog(server, filter, null);
    const ws = collect(server.wsClient(), { filter, after: start });

    const controller = new AbortController();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: print(EventsSubscription), variables: { filter, after: start } }),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const sse: LiveEvent[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = response.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let boundary;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const data = message.split('\n').find((line) => line.startsWith('data:'));
          if (message.startsWith('event: next') && data) sse.push(JSON.parse(data.slice(5)).data.events);
        }
      }
    })().catch(() => {});

    await writeSteps(server, [execution], 1);
    await eventually(() => ws.events.length >= 9 && sse.length >= 9, 10_000, 'both transports');
    controller.abort();
    await reading;
    expect(sse.map((e) => e.cursor)).toEqual(ws.events.map((e) => e.cursor));
  });
});

describe('errors in live results', () => {
  it('are masked the same over graphql-ws and SSE: INTERNAL with a reference, never the raw message', async () => {
    const server = await startServer();
    const query = 'subscription { events(filter: { namespace: "masking" }) { seq timestamp } }';
    const overWs = new Promise<unknown>((resolve, reject) => {
      server.wsClient().subscribe({ query }, { next: resolve, error: reject, complete: () => reject(new Error('completed')) });
    });
    const controller = new AbortController();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    });
    const overSse = (async () => {
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes('event: next')) text += new TextDecoder().decode((await reader.read()).value);
      const data = text.slice(text.indexOf('event: next')).split('\n').find((line) => line.startsWith('data:'))!;
      return JSON.parse(data.slice(5)) as unknown;
    })();
    // Give both subscriptions time to start from "now" before the event lands.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A timestamp no client can be sent: serialising it throws an unexpected (non-GraphQL) error.
    await server.app.database.db.execute(
      sql`insert into events (namespace, seq, type, data, timestamp) values ('masking', 1, 'SYSTEM_HEALTH', '{}', 'infinity')`,
    );
    server.app.services.bus.publish({ namespace: 'masking', executionId: null });
    for (const result of await Promise.all([overWs, overSse])) {
      const [error] = (result as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors;
      expect(error!.message).toMatch(/^Unexpected error\. Reference: /);
      expect(error!.extensions).toMatchObject({ code: 'INTERNAL', errorId: expect.any(String) });
    }
    controller.abort();

    // The same on the query path (graphql-jit): a value that fails to serialise is the server's fault.
    const execution = await runningExecution(server, { stepCount: 1 });
    await server.app.database.db.execute(sql`update executions set finished_at = 'infinity' where id = ${parseId(execution.id, 'Execution')}`);
    const queried = await server.request(`{ execution(id: "${execution.id}") { finishedAt } }`);
    expect(queried.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Unexpected error/), extensions: { code: 'INTERNAL' } });
    await server.stop();
  });
});

describe('Subscription.executionProgress', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });

  it('sends the current progress, then one after each change, and completes when the execution is final', async () => {
    const execution = await runningExecution(server, { stepCount: 2 });
    const updates: { status: string; progressPercent: number; completedSteps: number }[] = [];
    let completed = false;
    server.wsClient().subscribe(
      { query: print(ProgressSubscription), variables: { executionId: execution.id } },
      {
        next: (r) => void updates.push((r.data as { executionProgress: (typeof updates)[number] }).executionProgress),
        error: () => {},
        complete: () => void (completed = true),
      },
    );
    await eventually(() => updates.length >= 1, 5_000, 'initial progress');
    expect(updates[0]).toMatchObject({ status: 'RUNNING', progressPercent: 0 });
    await server.data(StartStep, { stepId: execution.steps[0]!.id });
    await server.data(ReportStepProgress, { stepId: execution.steps[0]!.id, percent: 50 });
    await eventually(() => updates.some((u) => u.progressPercent === 25), 5_000, 'progress 25%');
    await server.data(CompleteStep, { stepId: execution.steps[0]!.id });
    await server.data(CompleteExecution, { id: execution.id });
    await eventually(() => completed, 5_000, 'completion');
    expect(updates.at(-1)).toMatchObject({ status: 'COMPLETED', progressPercent: 100, completedSteps: 1 });
  });
});

const SeqProgress = graphql(`
  subscription SeqProgress($executionId: ID!) {
    executionProgress(executionId: $executionId) { seq status progressPercent completedSteps runningSteps doneSteps totalSteps }
  }
`);
const SeqProgressOf = graphql(`
  query SeqProgressOf($id: ID!) {
    execution(id: $id) { progress { seq status progressPercent completedSteps runningSteps doneSteps totalSteps } }
  }
`);
const IngestSteps = graphql(`mutation ProgressIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }`);

type SeqPayload = { seq: number; status: string; progressPercent: number; completedSteps: number; runningSteps: number; doneSteps: number };

/**
 * The seven commands after createExecution (seq 1) on a two-step execution, and the state
 * after each, by the seq of its event: every payload must be one of these, in seq order.
 */
const SEVEN_STATES: Record<number, Omit<SeqPayload, 'seq'>> = {
  1: { status: 'PENDING', progressPercent: 0, completedSteps: 0, runningSteps: 0, doneSteps: 0 },
  2: { status: 'RUNNING', progressPercent: 0, completedSteps: 0, runningSteps: 0, doneSteps: 0 },
  3: { status: 'RUNNING', progressPercent: 0, completedSteps: 0, runningSteps: 1, doneSteps: 0 },
  4: { status: 'RUNNING', progressPercent: 25, completedSteps: 0, runningSteps: 1, doneSteps: 0 },
  5: { status: 'RUNNING', progressPercent: 50, completedSteps: 1, runningSteps: 0, doneSteps: 1 },
  6: { status: 'RUNNING', progressPercent: 50, completedSteps: 1, runningSteps: 1, doneSteps: 1 },
  7: { status: 'RUNNING', progressPercent: 100, completedSteps: 2, runningSteps: 0, doneSteps: 2 },
  8: { status: 'COMPLETED', progressPercent: 100, completedSteps: 2, runningSteps: 0, doneSteps: 2 },
};

describe('Subscription.executionProgress: seq, and the state before the final one', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });

  function follow(executionId: string) {
    const feed = { payloads: [] as SeqPayload[], completed: false, errors: [] as unknown[] };
    server.wsClient().subscribe(
      { query: print(SeqProgress), variables: { executionId } },
      {
        next: (r) => {
          if (r.errors) feed.errors.push(r.errors);
          else feed.payloads.push((r.data as { executionProgress: SeqPayload }).executionProgress);
        },
        error: (error) => void feed.errors.push(error),
        complete: () => void (feed.completed = true),
      },
    );
    return feed;
  }

  /** Every payload is the state at its seq, seqs only grow, and the last two are the states at seq 7 and 8. */
  /** A two-step execution followed from its creation, run up to its second step's start (seq 6). */
  async function followedToSecondStep() {
    const execution = await createExecution(server, { stepCount: 2 });
    const [s0, s1] = execution.steps.map((s) => s.id) as [string, string];
    const feed = follow(execution.id);
    await eventually(() => feed.payloads.length >= 1, 15_000, 'initial progress');
    await server.data(StartExecution, { id: execution.id });
    await server.data(StartStep, { stepId: s0 });
    await server.data(ReportStepProgress, { stepId: s0, percent: 50 });
    await server.data(CompleteStep, { stepId: s0 });
    await server.data(StartStep, { stepId: s1 });
    return { execution, s1, feed };
  }

  function checkSeqs(payloads: SeqPayload[]) {
    for (const [i, payload] of payloads.entries()) {
      expect(SEVEN_STATES[payload.seq], `seq ${payload.seq}`).toBeDefined();
      expect(payload, `seq ${payload.seq}`).toEqual({ seq: payload.seq, totalSteps: 2, ...SEVEN_STATES[payload.seq] });
      if (i > 0) expect(payload.seq).toBeGreaterThan(payloads[i - 1]!.seq);
    }
    expect(payloads.slice(-2).map((p) => p.seq)).toEqual([7, 8]);
  }

  it('seven mutations in a row: every payload carries its seq, and "RUNNING, 100 %, 2/2" arrives before COMPLETED', async () => {
    const { execution, s1, feed } = await followedToSecondStep();
    await server.data(CompleteStep, { stepId: s1 });
    await server.data(CompleteExecution, { id: execution.id });
    await eventually(() => feed.completed, 15_000, 'completion');
    expect(feed.errors).toEqual([]);
    expect(feed.payloads[0]!.seq).toBe(1);
    checkSeqs(feed.payloads);
  });

  it.runIf(onPostgres)('all seven held back behind an older transaction, then seen at once: the state before the final one is still sent', async () => {
    const databaseUrl = (await freshDatabaseUrl())!;
    const held = await startServer({ databaseUrl, env: { SUBSCRIPTION_POLL_MS: '200' } });
    const execution = await createExecution(held, { stepCount: 2 });
    const [s0, s1] = execution.steps.map((s) => s.id) as [string, string];
    const feed = { payloads: [] as SeqPayload[], completed: false };
    held.wsClient().subscribe(
      { query: print(SeqProgress), variables: { executionId: execution.id } },
      {
        next: (r) => void feed.payloads.push((r.data as { executionProgress: SeqPayload }).executionProgress),
        error: () => {},
        complete: () => void (feed.completed = true),
      },
    );
    await eventually(() => feed.payloads.length >= 1, 15_000, 'initial progress');
    // The watcher saw writes while no feed watched (createExecution): its next scan re-syncs every feed. Let that scan pass first.
    const other = await createExecution(held, { stepCount: 0 });
    const { watcher, repository } = held.app.services.live;
    await eventually(async () => {
      const [created] = await repository.listEvents({ executionId: parseId(other.id, 'Execution') }, null, null, 1);
      return created && watcher.head !== null && watcher.head.id >= created.id;
    }, 15_000, 'the watcher past a write made while the feed watched');
    const slow = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const slowTransaction = slow.begin(async (tx) => {
      await tx`select pg_current_xact_id()`;
      await held.data(StartExecution, { id: execution.id });
      await held.data(StartStep, { stepId: s0 });
      await held.data(ReportStepProgress, { stepId: s0, percent: 50 });
      await held.data(CompleteStep, { stepId: s0 });
      await held.data(StartStep, { stepId: s1 });
      await held.data(CompleteStep, { stepId: s1 });
      await held.data(CompleteExecution, { id: execution.id });
      expect(feed.payloads.map((p) => p.seq)).toEqual([1]);
      throw new Error('roll back');
    });
    await expect(slowTransaction).rejects.toThrow('roll back');
    await slow.end();
    await eventually(() => feed.completed, 15_000, 'completion');
    checkSeqs(feed.payloads);
  });

  it('a whole run and its cancel in one transaction: the replayed state before the final one is what the queries saw without the cancel', async () => {
    const [cancelled, twin] = [await createExecution(server, { stepCount: 4 }), await createExecution(server, { stepCount: 4 })];
    const run = (execution: typeof cancelled) => {
      const [s0, s1, s2, s3] = execution.steps.map((s) => s.id) as [string, string, string, string];
      return [
        { startExecution: { id: execution.id } },
        { startStep: { stepId: s0 } },
        { reportStepProgress: { stepId: s0, percent: 80, message: 'almost' } },
        { failStep: { stepId: s0, error: 'flaky', retry: true } },
        { startStep: { stepId: s0 } },
        { completeStep: { stepId: s0 } },
        { requestApproval: { stepId: s1, approvers: ['alice'], message: 'ship it?' } },
        { approveStep: { stepId: s1, by: 'alice', comment: 'go' } },
        { skipStep: { stepId: s2, reason: 'not needed' } },
        { startStep: { stepId: s3 } },
        { reportStepProgress: { stepId: s3, percent: 30 } },
      ];
    };
    const feed = follow(cancelled.id);
    await eventually(() => feed.payloads.length >= 1, 15_000, 'initial progress');
    const { ingest } = await server.data(IngestSteps, { commands: [...run(cancelled), { cancelExecution: { id: cancelled.id, reason: 'enough' } }] });
    expect(ingest.every((r) => r.ok)).toBe(true);
    expect((await server.data(IngestSteps, { commands: run(twin) })).ingest.every((r) => r.ok)).toBe(true);
    await eventually(() => feed.completed, 15_000, 'completion');
    expect(feed.payloads.map((p) => p.seq)).toEqual([1, 12, 13]);
    const { execution } = await server.data(SeqProgressOf, { id: twin.id });
    expect(feed.payloads[1]).toEqual(execution!.progress);
    expect(feed.payloads[1]).toMatchObject({ status: 'RUNNING', progressPercent: 82.5, doneSteps: 3, runningSteps: 1 });
    expect(feed.payloads[2]).toMatchObject({ status: 'CANCELLED', progressPercent: 82.5, doneSteps: 3, runningSteps: 0 });
  });

  it('the last two commands in one transaction: the state between them is still sent before the final one', async () => {
    const { execution, s1, feed } = await followedToSecondStep();
    await eventually(() => feed.payloads.at(-1)?.seq === 6, 15_000, 'the second step running');
    const { ingest } = await server.data(IngestSteps, { commands: [{ completeStep: { stepId: s1 } }, { completeExecution: { id: execution.id } }] });
    expect(ingest.every((r) => r.ok)).toBe(true);
    await eventually(() => feed.completed, 15_000, 'completion');
    expect(feed.errors).toEqual([]);
    checkSeqs(feed.payloads);
  });
});

describe('slow consumers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { WS_SLOW_CONSUMER_MS: '1500' } });
  });

  it('disconnects a client that stops reading, with a retryable code, while others keep receiving', async () => {
    const execution = await runningExecution(server, { stepCount: 1 });
    const filter = { executionId: execution.id };
    const { endCursor: start } = await readLog(server, filter, null);
    const sockets: WebSocket[] = [];
    class CapturingWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const slowClient = server.wsClient({ webSocketImpl: CapturingWebSocket });
    const slow = collect(slowClient, { filter, after: start });
    const fast = collect(server.wsClient(), { filter, after: start });
    await eventually(() => server.app.services.live.watcher.size >= 2, 5_000, 'two subscriptions');
    const closed = new Promise<number>((resolve) => sockets[0]!.once('close', (code) => resolve(code)));
    (sockets[0] as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    const total = 4_000;
    const executionId = parseId(execution.id, 'Execution');
    await floodEvents(server, executionId, { count: total, bytes: 2_000, firstSeq: 1_000 }); // 8 MB

    await eventually(() => server.app.webSockets.stats.slowConsumerCloses >= 1, 20_000, 'slow consumer closed');
    (sockets[0] as unknown as { _socket: { resume(): void } })._socket.resume();
    expect([1013, 1006]).toContain(await closed);
    await eventually(() => fast.events.length >= total, 30_000, 'fast client gets everything');
    expect(fast.errors).toEqual([]);
    expect(slow.events.length).toBeLessThan(total);
    expect(process.memoryUsage().rss).toBeLessThan(1.5 * 1024 ** 3);
  });
});

describe.runIf(onPostgres)('several instances on one Postgres', () => {
  let databaseUrl: string;
  let reader: TestServer;
  const children: ReturnType<typeof spawn>[] = [];
  beforeAll(async () => {
    databaseUrl = (await freshDatabaseUrl())!;
    // A long poll interval: only LISTEN/NOTIFY (or a listener re-sync) can deliver promptly.
    reader = await startServer({ databaseUrl, env: { SUBSCRIPTION_POLL_MS: '600000' } });
  });
  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
  });

  it('delivers on instance B what another process writes through instance A', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const writerUrl = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /"url":"([^"]+)"/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`writer exited with ${code}: ${output}`)));
    });
    const write = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(writerUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data: Record<string, { id: string; steps: { id: string }[] }> };
    };
    const created = await write(
      'mutation($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id } } }',
      { input: { workflow: 'cross-instance', steps: [{ name: 'a', type: 'http' }] } },
    );
    const execution = created.data.createExecution!;
    const collector = collect(reader.wsClient(), { filter: { executionId: execution.id } });
    await eventually(() => reader.app.services.live.watcher.size > 0, 5_000, 'subscribed');
    await write('mutation($id: ID!) { startExecution(id: $id) { id } }', { id: execution.id });
    await write('mutation($id: ID!) { startStep(stepId: $id) { id } }', { id: execution.steps[0]!.id });
    await eventually(() => collector.events.length >= 2, 10_000, 'events from the other process');
    expect(collector.events.map((e) => e.type)).toEqual(['EXECUTION_STARTED', 'STEP_STARTED']);
  });

  it('never hands out a cursor past an event of a transaction still in flight', async () => {
    const reader = await startServer({ databaseUrl, env: { SUBSCRIPTION_POLL_MS: '200' } });
    const execution = await runningExecution(reader, { stepCount: 2 });
    const filter = { executionId: execution.id };
    const { endCursor: start } = await readLog(reader, filter, null);
    const collector = collect(reader.wsClient(), { filter, after: start });

    // A slow transaction takes a transaction id first; the server then commits newer events.
    const slow = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const slowTransaction = slow.begin(async (tx) => {
      await tx`select pg_current_xact_id()`;
      await reader.data(StartStep, { stepId: execution.steps[0]!.id });
      const held = await readLog(reader, filter, start);
      expect(held.events).toHaveLength(0);
      expect(collector.events).toHaveLength(0);
      throw new Error('roll back');
    });
    await expect(slowTransaction).rejects.toThrow('roll back');
    await slow.end();
    // Nothing announces a rollback: the periodic scan (SUBSCRIPTION_POLL_MS) delivers the event.
    await eventually(() => collector.events.length === 1, 10_000, 'the held-back event');
    expect((await readLog(reader, filter, start)).events.map((e) => e.cursor)).toEqual(collector.events.map((e) => e.cursor));
  });

  it('misses nothing when the LISTEN connection is killed while writes go on', async () => {
    const writer = await startServer({ databaseUrl, env: { SUBSCRIPTION_POLL_MS: '600000' } });
    const execution = await runningExecution(writer, { stepCount: 30 });
    const filter = { executionId: execution.id };
    const { endCursor: start } = await readLog(reader, filter, null);
    const collector = collect(reader.wsClient(), { filter, after: start });
    await eventually(() => reader.app.services.live.watcher.size > 0, 5_000, 'subscribed');

    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    let killed = 0;
    for (const [i, step] of execution.steps.entries()) {
      if (i === 10) {
        const rows = await admin`
          select pg_terminate_backend(pid) as ok from pg_stat_activity
          where datname = current_database() and query ilike 'listen%'`;
        killed = rows.length;
      }
      await writer.data(StartStep, { stepId: step.id });
    }
    await admin.end();
    expect(killed).toBeGreaterThanOrEqual(1);
    const expected = (await readLog(reader, filter, start)).events;
    expect(expected).toHaveLength(30);
    await eventually(() => collector.events.length >= 30, 20_000, 'all 30 events after the listener reconnects');
    expectExactlyOnceInOrder(collector.events, expected);
  });
});
