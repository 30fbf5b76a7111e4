import { getNamedType, print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/domain/random.js';
import { schema } from '../src/graphql/schema.js';
import { EventsSubscription, ListEvents, ListExecutions } from './documents.js';
import { createExecution, runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import type { IngestCommand } from './gql/graphql.js';
import { errorCodes, eventually, onPostgres, startServer, type TestServer } from './harness.js';
import { createKey, post } from './security.js';

const Ingest = graphql(`
  mutation Ingest($commands: [IngestCommand!]!) {
    ingest(commands: $commands) {
      ok
      error { code message }
      execution { id namespace externalId status error steps { id status } }
      step { ...IngestStep }
    }
  }
  fragment IngestStep on StepProgress { id status progressPercent message attempt error }
`);
const IngestOk = graphql(`mutation IngestOk($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }`);
const IngestLog = graphql(`
  query IngestLog($id: ID!) {
    execution(id: $id) {
      status error
      steps { ...IngestStep }
      events(first: 500) { edges { node { seq type stepId data } } }
    }
  }
`);
const IngestCounts = graphql(`
  query IngestCounts($workflow: String!, $from: DateTime!, $to: DateTime!) {
    metrics(workflow: $workflow, from: $from, to: $to, exact: false) {
      total completed failed cancelled timedOut queued
      steps { type total completed failed skipped retries }
    }
  }
`);

type Result = Awaited<ReturnType<typeof ingest>>[number];

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});

async function ingest(commands: IngestCommand[], on = server) {
  return (await on.data(Ingest, { commands })).ingest;
}

/**
 * Waits until every write committed so far shows in the event log: on Postgres an event shows once
 * no older transaction is in flight, and a fresh write is newer than everything committed before it.
 */
async function settle() {
  if (!onPostgres) return;
  const [barrier] = await ingest([{ createExecution: { workflow: 'barrier', namespace: 'barrier', steps: [] } }]);
  const executionId = barrier!.execution!.id;
  await eventually(async () => (await server.data(ListEvents, { filter: { executionId }, first: 1 })).events.edges.length > 0);
}

async function log(executionId: string) {
  const { execution } = await server.data(IngestLog, { id: executionId });
  return execution!;
}

const seqsOf = (execution: Awaited<ReturnType<typeof log>>) => execution.events.edges.map((e) => e.node.seq);
const typesOf = (execution: Awaited<ReturnType<typeof log>>) => execution.events.edges.map((e) => e.node.type);
const gapFree = (seqs: number[]) => seqs.every((seq, i) => seq === i + 1);

describe('ingest: a batch of engine commands', () => {
  it('applies a mixed batch across executions in order, creates included, one result per command', async () => {
    const running = await runningExecution(server, { stepCount: 2 });
    const pending = await createExecution(server, { stepCount: 1 });
    const [s0] = running.steps;
    const results = await ingest([
      { createExecution: { workflow: 'mixed', externalId: 'mixed-1', queued: true, steps: [{ name: 'a', type: 'script' }] } },
      { startStep: { stepId: s0!.id } },
      { startExecution: { id: pending.id } },
      { createExecution: { workflow: 'mixed', steps: [] } },
      { reportStepProgress: { stepId: s0!.id, percent: 50, message: 'half' } },
      { createExecution: { workflow: 'mixed', externalId: 'mixed-1', steps: [] } },
      { startStep: { stepId: pending.steps[0]!.id } },
      { completeStep: { stepId: s0!.id } },
    ]);

    expect(results.map((r) => r.ok)).toEqual(Array(8).fill(true));
    const [created, started, pendingStarted, empty, progressed, repeated, pendingStep, completed] = results as [Result, Result, Result, Result, Result, Result, Result, Result];
    expect(created.execution).toMatchObject({ externalId: 'mixed-1', status: 'QUEUED', namespace: 'default' });
    expect(created.execution!.steps).toEqual([{ id: expect.any(String), status: 'PENDING' }]);
    expect(repeated.execution!.id).toBe(created.execution!.id);
    expect(empty.execution).toMatchObject({ status: 'PENDING', steps: [] });
    // Each result shows the state its command left, and a step command also gives its execution.
    expect(started.step).toMatchObject({ id: s0!.id, status: 'RUNNING', progressPercent: 0 });
    expect(progressed.step).toMatchObject({ status: 'RUNNING', progressPercent: 50, message: 'half' });
    expect(completed.step).toMatchObject({ status: 'COMPLETED', progressPercent: 100 });
    expect(completed.execution!.id).toBe(running.id);
    expect(pendingStarted.execution!.status).toBe('RUNNING');
    expect(pendingStep.step!.status).toBe('RUNNING');

    await settle();
    expect(typesOf(await log(running.id)).slice(2)).toEqual(['STEP_STARTED', 'STEP_PROGRESS', 'STEP_COMPLETED']);
    expect(gapFree(seqsOf(await log(running.id)))).toBe(true);
    expect(typesOf(await log(pending.id))).toEqual(['EXECUTION_CREATED', 'EXECUTION_STARTED', 'STEP_STARTED']);
    expect(typesOf(await log(created.execution!.id))).toEqual(['EXECUTION_CREATED', 'EXECUTION_QUEUED']);
    expect(seqsOf(await log(created.execution!.id))).toEqual([1, 2]);
  });

  it('returns [] for an empty batch and refuses one over MAX_INGEST_COMMANDS as a whole', async () => {
    expect(await ingest([])).toEqual([]);
    const execution = await runningExecution(server, { stepCount: 1 });
    const stepId = execution.steps[0]!.id;
    await ingest([{ startStep: { stepId } }]);
    const report = (i: number): IngestCommand => ({ reportStepProgress: { stepId, percent: i % 100 } });
    const max = server.config.limits.maxIngestCommands;

    const tooMany = await server.request(IngestOk, { commands: Array.from({ length: max + 1 }, (_, i) => report(i)) });
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors![0]!.message).toMatch(`at most ${max} commands`);
    expect(tooMany.errors![0]!.extensions).toMatchObject({ field: 'commands', maxCommands: max });
    await settle();
    expect(typesOf(await log(execution.id))).toEqual(['EXECUTION_CREATED', 'EXECUTION_STARTED', 'STEP_STARTED']);

    const full = await ingest(Array.from({ length: max }, (_, i) => report(i + 1)));
    expect(full.every((r) => r.ok)).toBe(true);
    expect(full.at(-1)!.step!.progressPercent).toBe(max % 100);
  });

  it('gives a failing command its error and changes nothing for it; the commands around it still apply', async () => {
    const execution = await runningExecution(server, { stepCount: 2 });
    const [s0, s1] = execution.steps;
    const missing = Buffer.from('StepProgress:00000000-0000-4000-8000-000000000000').toString('base64url');
    const failing: [IngestCommand, string][] = [
      [{ completeStep: { stepId: s1!.id } }, 'INVALID_TRANSITION'], // s1 never started
      [{ reportStepProgress: { stepId: s0!.id, percent: 140 } }, 'BAD_USER_INPUT'],
      [{ completeStep: { stepId: missing } }, 'NOT_FOUND'],
      [{ completeStep: { stepId: 'not-an-id' } }, 'BAD_USER_INPUT'],
      [{ startExecution: { id: s0!.id } }, 'BAD_USER_INPUT'], // a step id where an execution id belongs
      [{ failExecution: { id: execution.id, error: ' ' } }, 'BAD_USER_INPUT'],
      [{ createExecution: { workflow: 'x', namespace: 'not a namespace!', steps: [] } }, 'BAD_USER_INPUT'],
      [{ completeExecution: { id: execution.id } }, 'INVALID_TRANSITION'], // s0 is still running
    ];
    const commands: IngestCommand[] = [{ startStep: { stepId: s0!.id } }];
    for (const [command] of failing) commands.push(command, { reportStepProgress: { stepId: s0!.id, percent: commands.length } });

    const results = await ingest(commands);
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', ...failing.flatMap(([, code]) => [code, 'ok'])]);
    for (const result of results.filter((r) => !r.ok)) expect(result).toMatchObject({ execution: null, step: null });

    // The same error, code and message, as the mutation alone.
    for (const [command, code] of failing) {
      const alone = await single(command);
      expect(alone.error?.code, JSON.stringify(command)).toBe(code);
      expect(results[commands.indexOf(command)]!.error).toEqual(alone.error);
    }

    await settle();
    const after = await log(execution.id);
    expect(typesOf(after)).toEqual([
      'EXECUTION_CREATED',
      'EXECUTION_STARTED',
      'STEP_STARTED',
      ...failing.map(() => 'STEP_PROGRESS'),
    ]);
    expect(gapFree(seqsOf(after))).toBe(true);
    expect(after.status).toBe('RUNNING');
    expect(after.steps.map((s) => s.status)).toEqual(['RUNNING', 'PENDING']);
  });

  it('refuses a command that sets no field or two as BAD_USER_INPUT, and runs none of them', async () => {
    const { id } = await createExecution(server, { stepCount: 0 });
    for (const command of [{}, { startExecution: null }, { queueExecution: { id }, startExecution: { id } }] as IngestCommand[]) {
      const result = await server.request(Ingest, { commands: [command] });
      // graphql-js refuses the whole request; graphql-jit lets variables through to our own check.
      expect(result.errors ? errorCodes(result) : [result.data!.ingest[0]!.error!.code]).toEqual(['BAD_USER_INPUT']);
    }
    await settle();
    expect(typesOf(await log(id))).toEqual(['EXECUTION_CREATED']);
  });

  describe('equals the single mutations, command for command', () => {
    // Commands on one execution with steps s0..s3 (script, approval, http, script); `step(i)` names s<i>.
    type Script = ((ids: { id: string; step: (i: number) => string }) => IngestCommand)[];
    const scripts: [string, Script][] = [
      [
        'a lifecycle with an approval, a retry, a skip, repeats and refusals',
        [
          ({ id }) => ({ startExecution: { id } }),
          ({ step }) => ({ startStep: { stepId: step(0) } }),
          ({ step }) => ({ reportStepProgress: { stepId: step(0), percent: 30, message: 'a' } }),
          ({ step }) => ({ reportStepProgress: { stepId: step(0), percent: 30, message: 'a' } }),
          ({ step }) => ({ reportStepProgress: { stepId: step(0), percent: 140 } }),
          ({ step }) => ({ completeStep: { stepId: step(0) } }),
          ({ step }) => ({ startStep: { stepId: step(0) } }),
          ({ step }) => ({ requestApproval: { stepId: step(1), approvers: ['ann'], message: 'ok?' } }),
          ({ id }) => ({ completeExecution: { id } }),
          ({ step }) => ({ approveStep: { stepId: step(1), by: 'ann', comment: 'fine' } }),
          ({ step }) => ({ startStep: { stepId: step(2) } }),
          ({ step }) => ({ failStep: { stepId: step(2), error: 'flaky', retry: true } }),
          ({ step }) => ({ failStep: { stepId: step(2), error: 'flaky', retry: true } }),
          ({ step }) => ({ startStep: { stepId: step(2) } }),
          ({ step }) => ({ completeStep: { stepId: step(2) } }),
          ({ step }) => ({ skipStep: { stepId: step(3), reason: 'not needed' } }),
          ({ id }) => ({ completeExecution: { id } }),
          ({ id }) => ({ completeExecution: { id } }),
          ({ id }) => ({ cancelExecution: { id, reason: 'too late' } }),
        ],
      ],
      [
        'a rejected gate, then a failed execution',
        [
          ({ id }) => ({ startExecution: { id } }),
          ({ step }) => ({ startStep: { stepId: step(0) } }),
          ({ step }) => ({ requestApproval: { stepId: step(1) } }),
          ({ step }) => ({ rejectStep: { stepId: step(1), by: 'bob', comment: 'no' } }),
          ({ step }) => ({ failStep: { stepId: step(0), error: 'gave up' } }),
          ({ id }) => ({ failExecution: { id, error: 'rejected' } }),
          ({ id }) => ({ failExecution: { id, error: 'again' } }),
        ],
      ],
      [
        'a timeout with running and pending steps',
        [
          ({ id }) => ({ queueExecution: { id } }),
          ({ id }) => ({ startExecution: { id } }),
          ({ step }) => ({ startStep: { stepId: step(0) } }),
          ({ step }) => ({ reportStepProgress: { stepId: step(0), percent: 50 } }),
          ({ id }) => ({ timeoutExecution: { id } }),
          ({ step }) => ({ reportStepProgress: { stepId: step(0), percent: 60 } }),
        ],
      ],
      [
        'a cancel from the queue',
        [
          ({ id }) => ({ queueExecution: { id } }),
          ({ id }) => ({ queueExecution: { id } }),
          ({ id }) => ({ cancelExecution: { id, reason: 'stop' } }),
          ({ id }) => ({ startExecution: { id } }),
        ],
      ],
    ];

    it.each(scripts)('%s', async (name, script) => {
      const steps = ['script', 'approval', 'http', 'script'].map((type, i) => ({ name: `s${i}`, type }));
      const twins = await ingest([
        { createExecution: { workflow: `${name} (batch)`, steps, slaMs: 60_000 } },
        { createExecution: { workflow: `${name} (single)`, steps, slaMs: 60_000 } },
      ]);
      const [batched, alone] = twins.map((t) => t.execution!);
      const commandsOf = (execution: typeof batched) =>
        script.map((command) => command({ id: execution!.id, step: (i) => execution!.steps[i]!.id }));

      const batchResults = await ingest(commandsOf(batched));
      const singleResults = [];
      for (const command of commandsOf(alone)) singleResults.push(await single(command));

      const ids = [batched!, alone!].flatMap((e) => [e.id, ...e.steps.map((s) => s.id)]);
      const anonymous = (text: string) => ids.reduce((t, id, i) => t.replaceAll(id, `#${i % (ids.length / 2)}`), text);
      type Outcome = { error: { code: string; message: string } | null; step: StepState | null; execution: { status: string } | null };
      const outcome = ({ error, step, execution }: Outcome) =>
        error ? { code: error.code, message: anonymous(error.message) } : step ? stepState(step) : { status: execution!.status };
      expect(batchResults.map((r) => outcome({ error: r.error ?? null, step: r.step ?? null, execution: r.execution ?? null }))).toEqual(
        singleResults.map(outcome),
      );

      await settle();
      const [a, b] = [await log(batched!.id), await log(alone!.id)];
      const positionOf = (execution: typeof batched) => (stepId: string | null) => execution!.steps.findIndex((s) => s.id === stepId);
      const events = (l: typeof a, execution: typeof batched) =>
        l.events.edges.map(({ node }) => ({
          seq: node.seq,
          type: node.type,
          step: positionOf(execution)(node.stepId ?? null),
          data: { ...(node.data as object), durationMs: undefined, decidedAt: undefined, workflow: undefined },
        }));
      expect(events(a, batched)).toEqual(events(b, alone));
      expect(gapFree(seqsOf(a))).toBe(true);
      expect({ status: a.status, error: a.error, steps: a.steps.map(stepState) }).toEqual({
        status: b.status,
        error: b.error,
        steps: b.steps.map(stepState),
      });
      // The rollups counted the same (a window of whole minutes, so the rollups answer).
      const minute = 60_000;
      const from = new Date(Math.floor(Date.now() / minute) * minute - 60 * minute).toISOString();
      const to = new Date(Math.ceil(Date.now() / minute) * minute + minute).toISOString();
      const counts = async (workflow: string) => (await server.data(IngestCounts, { workflow, from, to })).metrics;
      expect(await counts(`${name} (batch)`)).toEqual(await counts(`${name} (single)`));
    });
  });

  it('keeps the scope of its key: another namespace\'s executions are NOT_FOUND, creating there FORBIDDEN', async () => {
    // A server of its own: the first key ends anonymous access.
    const keyed = await startServer();
    const own = await runningExecution(keyed, { namespace: 'own', stepCount: 1 });
    const other = await runningExecution(keyed, { namespace: 'other', stepCount: 1 });
    const { key } = await createKey(keyed, { name: 'ingest-own', scopes: ['ingest', 'read'], namespaces: ['own'] });
    const missingStep = Buffer.from('StepProgress:00000000-0000-4000-8000-000000000000').toString('base64url');
    const query = 'mutation($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok error { code message } execution { namespace } } }';
    const response = await post(keyed, query, {
      commands: [
        { startStep: { stepId: own.steps[0]!.id } },
        { startStep: { stepId: other.steps[0]!.id } },
        { startStep: { stepId: missingStep } },
        { cancelExecution: { id: other.id } },
        { createExecution: { workflow: 'w', namespace: 'other', steps: [] } },
        { createExecution: { workflow: 'w', steps: [] } },
        { createExecution: { workflow: 'w', namespace: 'own', steps: [] } },
      ],
    }, { key });
    const results = response.body!.data!.ingest as { ok: boolean; error: { code: string; message: string } | null; execution: { namespace: string } | null }[];
    expect(results.map((r) => r.error?.code ?? r.execution!.namespace)).toEqual([
      'own',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'FORBIDDEN',
      'FORBIDDEN',
      'own',
    ]);
    // Indistinguishable from a step that does not exist.
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    expect(results[1]!.error!.message.replace(uuid, 'ID')).toBe(results[2]!.error!.message.replace(uuid, 'ID'));
    const admin = await createKey(keyed, { name: 'admin', scopes: ['admin'] });
    const untouched = await post(keyed, '{ execution(id: "ID") { status steps { status } } }'.replace('ID', other.id), null, { key: admin.key });
    expect(untouched.body!.data).toEqual({ execution: { status: 'RUNNING', steps: [{ status: 'PENDING' }] } });
  });

  it('delivers a batch\'s events to subscribers in command order', async () => {
    const namespace = 'live-batch';
    const [a, b] = [await runningExecution(server, { namespace, stepCount: 1 }), await runningExecution(server, { namespace, stepCount: 1 })];
    await settle();
    const { events } = await server.data(ListEvents, { filter: { namespace }, first: 500 });
    const received: { type: string; executionId: string | null; seq: number }[] = [];
    const errors: unknown[] = [];
    server.wsClient().subscribe(
      { query: print(EventsSubscription), variables: { filter: { namespace }, after: events.pageInfo.endCursor } },
      {
        next: (r) => void received.push((r.data as { events: (typeof received)[number] }).events),
        error: (e) => void errors.push(e),
        complete: () => {},
      },
    );
    const [sa, sb] = [a.steps[0]!.id, b.steps[0]!.id];
    const results = await ingest([
      { startStep: { stepId: sa } },
      { startStep: { stepId: sb } },
      { createExecution: { workflow: 'live', namespace, steps: [] } },
      { reportStepProgress: { stepId: sa, percent: 10 } },
      { reportStepProgress: { stepId: sb, percent: 20 } },
      { completeStep: { stepId: sa } },
      { completeExecution: { id: a.id } },
    ]);
    const c = results[2]!.execution!.id;
    const expected = [
      [a.id, 'STEP_STARTED', 3],
      [b.id, 'STEP_STARTED', 3],
      [c, 'EXECUTION_CREATED', 1],
      [a.id, 'STEP_PROGRESS', 4],
      [b.id, 'STEP_PROGRESS', 4],
      [a.id, 'STEP_COMPLETED', 5],
      [a.id, 'EXECUTION_COMPLETED', 6],
    ];
    await eventually(() => received.length >= expected.length, 10_000, `${expected.length} events`);
    expect(errors).toEqual([]);
    expect(received.map((e) => [e.executionId, e.type, e.seq])).toEqual(expected);
  });

  it('runs concurrent batches over the same executions in different orders without deadlock or lost writes', async () => {
    const BATCHES = 8;
    const ROUNDS = 4;
    const setup = await ingest(Array.from({ length: 6 }, () => ({ createExecution: { workflow: 'overlap', namespace: 'overlap', steps: Array.from({ length: BATCHES }, (_, i) => ({ name: `s${i}`, type: 'script' })) } })));
    const executions = setup.map((r) => r.execution!);
    await ingest(executions.flatMap((e) => [{ startExecution: { id: e.id } }, ...e.steps.map((s) => ({ startStep: { stepId: s.id } }))]));

    const random = seededRandom(7);
    const shuffled = <T>(items: T[]) => items.map((item) => [random(), item] as const).sort((x, y) => x[0] - y[0]).map(([, item]) => item);
    const outcomes = await Promise.all(
      Array.from({ length: BATCHES }, async (_, batch) => {
        const results: Result[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const commands: IngestCommand[] = shuffled(executions).map((e) => ({
            reportStepProgress: { stepId: e.steps[batch]!.id, percent: round + 1, message: `b${batch} r${round}` },
          }));
          results.push(...(await ingest(commands)));
        }
        return results;
      }),
    );
    expect(outcomes.flat().filter((r) => !r.ok)).toEqual([]);

    await settle();
    for (const execution of executions) {
      const after = await log(execution.id);
      expect(gapFree(seqsOf(after))).toBe(true);
      expect(typesOf(after).filter((t) => t === 'STEP_PROGRESS')).toHaveLength(BATCHES * ROUNDS);
      expect(after.steps.map((s) => s.message)).toEqual(Array.from({ length: BATCHES }, (_, batch) => `b${batch} r${ROUNDS - 1}`));
    }
  });

  it('creates one execution per external id when concurrent batches create the same ones in different orders', async () => {
    const random = seededRandom(11);
    const externalIds = Array.from({ length: 6 }, (_, i) => `shared-${i}`);
    const batches = await Promise.all(
      Array.from({ length: 8 }, () =>
        ingest(
          externalIds
            .map((externalId) => [random(), externalId] as const)
            .sort((x, y) => x[0] - y[0])
            .map(([, externalId]) => ({ createExecution: { workflow: 'shared', namespace: 'shared', externalId, steps: [] } })),
        ),
      ),
    );
    const idsByExternalId = batches.map((results) => Object.fromEntries(results.map((r) => [r.execution!.externalId, r.execution!.id])));
    expect(new Set(idsByExternalId.map((ids) => JSON.stringify(Object.entries(ids).sort()))).size).toBe(1);
    const { executions } = await server.data(ListExecutions, { filter: { namespace: 'shared' }, first: 50 });
    expect(executions.edges).toHaveLength(externalIds.length);
  });
});

describe('ingest statements', () => {
  it('issues the same number of statements for 1 command as for 100', async () => {
    const quiet = await startServer({ env: { MONITOR_ENABLED: 'false' } });
    // Each commit wakes the feed watcher, which reads the event log meanwhile: not the batch's statements.
    let counted = 0;
    quiet.app.database.statements.onQuery = (query) => void (/^select .* from "events"/s.test(query) || counted++);
    const count = async (commands: IngestCommand[]) => {
      const before = counted;
      const result = await quiet.data(IngestOk, { commands });
      expect(result.ingest.every((r) => r.ok)).toBe(true);
      return counted - before;
    };
    const tenSteps = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, type: 'script' }));
    const created = await ingest(Array.from({ length: 11 }, () => ({ createExecution: { workflow: 'count', steps: tenSteps } })), quiet);
    const executions = created.map((r) => r.execution!);
    await ingest(executions.flatMap((e) => [{ startExecution: { id: e.id } }, ...e.steps.map((s) => ({ startStep: { stepId: s.id } }))]), quiet);
    // One execution for the single commands, ten (100 steps) for the hundreds.
    const [small, ...large] = [executions.slice(0, 1), executions.slice(1)];
    const stepsOf = (group: typeof executions) => group.flatMap((e) => e.steps.map((s) => s.id));

    const report = (stepId: string, percent: number): IngestCommand => ({ reportStepProgress: { stepId, percent } });
    const one = await count([report(stepsOf(small)[0]!, 1)]);
    const hundred = await count(stepsOf(large[0]!).map((stepId, i) => report(stepId, 2 + (i % 50))));
    expect(hundred).toBe(one);
    expect(one).toBeLessThanOrEqual(onPostgres ? 7 : 6);

    // Creates (with external ids), step and execution changes with rollups, all in one batch.
    const lifecycle = (group: typeof executions, n: number): IngestCommand[] => [
      ...Array.from({ length: n }, (_, i) => ({ createExecution: { workflow: 'count', externalId: `count-${n}-${i}`, steps: tenSteps } })),
      ...stepsOf(group).slice(0, n).flatMap((stepId) => [report(stepId, 99), { completeStep: { stepId } }]),
      ...group.map((e) => ({ cancelExecution: { id: e.id, reason: 'counted' } })),
    ];
    const few = await count(lifecycle(small, 1));
    const many = await count(lifecycle(large[0]!, 100));
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(onPostgres ? 11 : 10);
  });
});

type StepState = { status: string; progressPercent: number; message: string | null; attempt: number; error: string | null };

/** The fields of a step that commands change (not its times), the same whichever way the command came. */
const stepState = ({ status, progressPercent, message, attempt, error }: StepState) => ({ status, progressPercent, message, attempt, error });

/** Sends one command as its own mutation, with the same arguments. */
async function single(command: IngestCommand) {
  const [[name, args]] = Object.entries(command) as [[string, Record<string, unknown>]];
  const field = schema.getMutationType()!.getFields()[name]!;
  const variables = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const isStep = getNamedType(field.type).name === 'StepProgress';
  const result = await server.request<{ result: StepState }, unknown>(
    `mutation(${variables}) { result: ${name}(${call}) { status ${isStep ? 'progressPercent message attempt error' : ''} } }`,
    name === 'createExecution' ? { input: args } : args,
  );
  const error = result.errors?.[0];
  if (error) return { error: { code: String(error.extensions?.code), message: error.message }, step: null, execution: null };
  const data = result.data!.result;
  return { error: null, step: isStep ? data : null, execution: isStep ? null : data };
}
