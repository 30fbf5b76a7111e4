/**
 * Four server processes on one Postgres database: engines send every command to the next instance
 * in turn, subscribers are spread over the instances, and one instance is SIGKILLed mid-run. Every
 * subscriber must see each execution's events exactly once and in seq order, as the database has
 * them; only the killed instance's requests and sockets fail, and its subscribers resume on another
 * instance from their last cursor. Postgres only: PGlite is one process per data folder.
 */
import { createClient, type Client } from 'graphql-ws';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeGlobalId } from '../src/graphql/ids.js';
import { eventually, freshDatabaseUrl, onPostgres } from './harness.js';
import { runScript, type RunningProcess } from './processes.js';

const ENGINES = 6;
const RUNS_PER_ENGINE = 3;
const STEPS = 2;
/** Created, started, three per step (started, progress, completed), completed. */
const EVENTS_PER_RUN = 3 + 3 * STEPS;
const SUBSCRIBERS_PER_INSTANCE = 2;
const NAMESPACE = 'scaleout';

const CREATE = `mutation ($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id } } }`;
const START = `mutation ($id: ID!) { startExecution(id: $id) { id } }`;
const COMPLETE = `mutation ($id: ID!) { completeExecution(id: $id) { id } }`;
const START_STEP = `mutation ($stepId: ID!) { startStep(stepId: $stepId) { id } }`;
const PROGRESS = `mutation ($stepId: ID!) { reportStepProgress(stepId: $stepId, percent: 50) { id } }`;
const COMPLETE_STEP = `mutation ($stepId: ID!) { completeStep(stepId: $stepId) { id } }`;
const FIRST_EVENT = `query { events(filter: { namespace: "${NAMESPACE}" }, first: 1) { edges { cursor } } }`;
const LIVE = `subscription ($after: String) { events(filter: { namespace: "${NAMESPACE}" }, after: $after) { cursor seq executionId } }`;

interface Instance {
  process: RunningProcess;
  url: string;
  killed: boolean;
}

interface LiveEvent {
  cursor: string;
  seq: number;
  executionId: string;
}

/** A dashboard: one subscription, moved to the next live instance from its last cursor when its socket drops. */
function subscriber(instances: Instance[], home: number, after: string) {
  const received: LiveEvent[] = [];
  const homes: number[] = [];
  let client: Client | null = null;
  let disposed = false;
  const connect = (index: number) => {
    homes.push(index);
    const cursor = received.at(-1)?.cursor ?? after;
    client = createClient({ url: instances[index]!.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    client.subscribe<{ events: LiveEvent }>(
      { query: LIVE, variables: { after: cursor } },
      {
        next: ({ data }) => data && received.push(data.events),
        error: () => {
          if (disposed) return;
          let next = (index + 1) % instances.length;
          while (instances[next]!.killed) next = (next + 1) % instances.length;
          connect(next);
        },
        complete: () => {},
      },
    );
  };
  connect(home);
  return { received, homes, dispose: () => ((disposed = true), client?.dispose()) };
}

describe.runIf(onPostgres)('four instances on one database (Postgres only: PGlite is one process per data folder)', () => {
  it('deliver every event once and in order to subscribers on all of them, and lose only the killed one\'s connections', async () => {
    const databaseUrl = (await freshDatabaseUrl())!;
    const env = { DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', MONITOR_ENABLED: 'false' };
    const started = performance.now();
    const processes = [0, 1, 2, 3].map(() => runScript('src/main.ts', [], env));
    const urls = await Promise.all(processes.map((p) => p.listening));
    const instances: Instance[] = processes.map((process, i) => ({ process, url: urls[i]!, killed: false }));
    const listeningMs = performance.now() - started;
    const failures: number[] = [];
    let turn = 0;
    /** One command, sent to the next instance in turn; a failed request (only the killed instance's) goes to the next one. */
    const post = async <T>(query: string, variables: object): Promise<T> => {
      for (;;) {
        const index = turn++ % instances.length;
        if (instances[index]!.killed) continue;
        try {
          const response = await fetch(instances[index]!.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query, variables }),
          });
          const body = (await response.json()) as { data?: T; errors?: unknown[] };
          if (body.errors) throw new Error(`GraphQL errors from instance ${index}: ${JSON.stringify(body.errors)}`);
          return body.data!;
        } catch (error) {
          if (!(error instanceof TypeError)) throw error; // fetch failed: the socket is gone
          failures.push(index);
        }
      }
    };

    // The subscribers start from the first event of the namespace, so none misses the start of the run.
    const marker = await post<{ createExecution: { id: string } }>(CREATE, { input: { workflow: 'marker', namespace: NAMESPACE, steps: [] } });
    // It shows in the feed once every older transaction on the server has finished.
    const first = await eventually(async () => (await post<{ events: { edges: { cursor: string }[] } }>(FIRST_EVENT, {})).events.edges[0], 10_000, 'the marker in the feed');
    const subscribers = instances.flatMap((_, home) => Array.from({ length: SUBSCRIBERS_PER_INSTANCE }, () => subscriber(instances, home, first.cursor)));

    const engine = async (engineIndex: number) => {
      for (let run = 0; run < RUNS_PER_ENGINE; run++) {
        const { createExecution: execution } = await post<{ createExecution: { id: string; steps: { id: string }[] } }>(CREATE, {
          input: {
            workflow: 'scaleout',
            namespace: NAMESPACE,
            externalId: `engine-${engineIndex}-run-${run}`,
            steps: Array.from({ length: STEPS }, (_, i) => ({ name: `s${i}`, type: 'script' })),
          },
        });
        await post(START, { id: execution.id });
        for (const step of execution.steps) {
          await post(START_STEP, { stepId: step.id });
          await post(PROGRESS, { stepId: step.id });
          await post(COMPLETE_STEP, { stepId: step.id });
        }
        await post(COMPLETE, { id: execution.id });
      }
    };
    const expectedEvents = ENGINES * RUNS_PER_ENGINE * EVENTS_PER_RUN;
    const engines = Promise.all(Array.from({ length: ENGINES }, (_, i) => engine(i)));

    // Mid-run, by what the victim's subscribers have received.
    const victim = 3;
    const victimsSubscribers = subscribers.filter((s) => s.homes[0] === victim);
    await eventually(() => victimsSubscribers.every((s) => s.received.length >= expectedEvents / 3), 30_000, 'a third of the run delivered');
    instances[victim]!.killed = true;
    instances[victim]!.process.child.kill('SIGKILL');
    await instances[victim]!.process.exited;
    await engines;

    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ executionId: string; seqs: number[] }[]>`
        select execution_id as "executionId", array_agg(seq order by seq) as seqs
        from events where namespace = ${NAMESPACE} and execution_id <> ${decodeGlobalId(marker.createExecution.id).id}
        group by execution_id`;
      const stored = new Map(rows.map((row) => [row.executionId, row.seqs]));
      expect(stored.size).toBe(ENGINES * RUNS_PER_ENGINE);
      expect([...stored.values()].every((seqs) => seqs.length === EVENTS_PER_RUN && seqs.every((seq, i) => seq === i + 1))).toBe(true);

      await eventually(() => subscribers.every((s) => s.received.length >= expectedEvents), 30_000, 'every event delivered to every subscriber');
      for (const s of subscribers) {
        const seen = new Map<string, number[]>();
        for (const event of s.received) {
          const id = decodeGlobalId(event.executionId).id;
          seen.set(id, [...(seen.get(id) ?? []), event.seq]);
        }
        // Exactly the database's events per execution, in seq order: nothing lost, duplicated or reordered.
        expect(new Map([...seen].sort())).toEqual(new Map([...stored].sort()));
        expect(s.received).toHaveLength(expectedEvents);
      }
    } finally {
      await sql.end();
      for (const s of subscribers) await s.dispose();
      await Promise.all(instances.map((i) => i.process.stop()));
    }

    console.log(
      `four instances listening after ${listeningMs.toFixed(0)} ms; ${expectedEvents} events to ${subscribers.length} subscribers ` +
        `in ${(performance.now() - started - listeningMs).toFixed(0)} ms; ${failures.length} requests to the killed instance failed`,
    );
    // Only the victim's requests failed and only its subscribers moved, once, to a live instance.
    expect(failures.every((index) => index === victim)).toBe(true);
    for (const s of subscribers) {
      expect(s.homes).toHaveLength(s.homes[0] === victim ? 2 : 1);
      expect(s.homes.at(-1)).not.toBe(victim);
    }
    // Four processes start on a shared machine: ~4 s of CPU each under tsx.
  }, 120_000);
});
