import { beforeAll, describe, expect, it } from 'vitest';
import { CompleteStep, ExecutionEvents, FailStep, GetExecution, ListEvents, ReportStepProgress, StartStep } from './documents.js';
import { runningExecution } from './fixtures.js';
import type { ExecutionEventsQuery, ListEventsQuery } from './gql/graphql.js';
import { driver, eventually, startServer, type GraphQLResponse, type TestServer } from './harness.js';

type EventNode = ListEventsQuery['events']['edges'][number]['node'];

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});

const EXECUTIONS = 5;
const STEPS = 40;
const WRITERS = 20;
const STEPS_PER_WRITER = 4;
const PERCENTS = [25, 50, 75];

interface Expected {
  status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  progressPercent: number;
}

/** Writers 0-9 share execution 0; writers 10-19 spread over executions 1-4 (two or three each). */
const executionOfWriter = (writer: number) => (writer < 10 ? 0 : 1 + ((writer - 10) % 4));

/** Reads every event of one execution through the global feed, `first` at a time. */
async function feedOfExecution(executionId: string, first: number) {
  const events: EventNode[] = [];
  let after: string | null = null;
  for (;;) {
    const page: ListEventsQuery = await server.data(ListEvents, { filter: { executionId }, first, after });
    events.push(...page.events.edges.map((e) => e.node));
    if (!page.events.pageInfo.hasNextPage) return events;
    after = page.events.pageInfo.endCursor;
  }
}

describe(`20 concurrent writers (${driver})`, () => {
  it('lose no update and keep every execution’s seq gap-free and in order', async () => {
    const executions: Awaited<ReturnType<typeof runningExecution>>[] = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      executions.push(await runningExecution(server, { namespace: 'concurrency', stepCount: STEPS }));
    }

    // Each writer owns its own steps, so no two writers ever race on one step.
    const nextFreeStep = new Array<number>(EXECUTIONS).fill(0);
    const plans = Array.from({ length: WRITERS }, (_, writer) => {
      const e = executionOfWriter(writer);
      const first = nextFreeStep[e]!;
      nextFreeStep[e] = first + STEPS_PER_WRITER;
      return { writer, execution: e, steps: executions[e]!.steps.slice(first, first + STEPS_PER_WRITER).map((s) => s.id) };
    });
    expect(plans.every((p) => p.steps.length === STEPS_PER_WRITER)).toBe(true);

    const successes = new Array<number>(EXECUTIONS).fill(0);
    const errors: { writer: number; errors: NonNullable<GraphQLResponse<unknown>['errors']> }[] = [];
    const expected = new Map<string, Expected>();

    const run = async (writer: number, response: Promise<GraphQLResponse<unknown>>) => {
      const result = await response;
      if (result.errors?.length) errors.push({ writer, errors: result.errors });
      else successes[executionOfWriter(writer)]! += 1;
      return !result.errors?.length;
    };

    await Promise.all(
      plans.map(async ({ writer, steps }) => {
        for (const [i, stepId] of steps.entries()) {
          await run(writer, server.request(StartStep, { stepId }));
          for (const percent of PERCENTS) {
            await run(writer, server.request(ReportStepProgress, { stepId, percent, message: `w${writer} at ${percent}` }));
          }
          const last = i === steps.length - 1;
          if (last && writer % 3 === 0) {
            expected.set(stepId, { status: 'RUNNING', progressPercent: 75 });
          } else if (last && writer % 5 === 1) {
            await run(writer, server.request(FailStep, { stepId, error: `writer ${writer} gave up` }));
            expected.set(stepId, { status: 'FAILED', progressPercent: 75 });
          } else {
            await run(writer, server.request(CompleteStep, { stepId }));
            expected.set(stepId, { status: 'COMPLETED', progressPercent: 100 });
          }
        }
      }),
    );

    expect(errors).toEqual([]);
    expect(successes.reduce((a, b) => a + b, 0)).toBeGreaterThan(WRITERS * STEPS_PER_WRITER * 4);

    for (const [e, execution] of executions.entries()) {
      const expectedCount = 2 + successes[e]!; // EXECUTION_CREATED, EXECUTION_STARTED, then one per mutation
      const readAll = async () => {
        const result: ExecutionEventsQuery = await server.data(ExecutionEvents, { id: execution.id, first: 500 });
        expect(result.execution!.events.pageInfo.hasNextPage).toBe(false);
        return result.execution!.events.edges.map((edge) => edge.node);
      };
      // The feed shows events once no older transaction is in flight (on a shared server, in any database).
      const events = await eventually(async () => {
        const read = await readAll();
        return read.length >= expectedCount ? read : null;
      }, 10_000, `${expectedCount} events of execution ${e}`).then((read) => read ?? readAll(), async () => readAll());

      expect(events.map((ev) => ev.seq)).toEqual(Array.from({ length: expectedCount }, (_, i) => i + 1));
      expect(events.slice(0, 2).map((ev) => ev.type)).toEqual(['EXECUTION_CREATED', 'EXECUTION_STARTED']);
      expect(events.every((ev) => ev.executionId === execution.id)).toBe(true);

      // The global feed, read in small pages, agrees with the execution's own connection.
      const feed = await feedOfExecution(execution.id, 37);
      expect(feed.map((ev) => ev.id)).toEqual(events.map((ev) => ev.id));

      if (e === 0) {
        // The writers really did interleave: consecutive events of execution 0 often come from different writers.
        const writerOf = new Map(plans.flatMap((p) => p.steps.map((s) => [s, p.writer] as const)));
        const owners = events.slice(2).map((ev) => writerOf.get(ev.stepId!));
        const switches = owners.filter((w, i) => i > 0 && w !== owners[i - 1]).length;
        expect(switches).toBeGreaterThan(20);
      }

      // Per step, its writer's events appear in the order the writer sent them.
      const byStep = new Map<string, string[]>();
      for (const ev of events.slice(2)) byStep.set(ev.stepId!, [...(byStep.get(ev.stepId!) ?? []), ev.type]);
      for (const plan of plans.filter((p) => p.execution === e)) {
        for (const stepId of plan.steps) {
          const end = expected.get(stepId)!.status;
          expect(byStep.get(stepId)).toEqual([
            'STEP_STARTED',
            'STEP_PROGRESS',
            'STEP_PROGRESS',
            'STEP_PROGRESS',
            ...(end === 'COMPLETED' ? ['STEP_COMPLETED'] : end === 'FAILED' ? ['STEP_FAILED'] : []),
          ]);
        }
      }

      // Final step states match what each writer did; steps nobody touched are still PENDING.
      const { execution: final } = await server.data(GetExecution, { id: execution.id });
      expect(final!.status).toBe('RUNNING');
      for (const step of final!.steps) {
        const want = expected.get(step.id);
        if (!want) {
          expect(step).toMatchObject({ status: 'PENDING', progressPercent: 0 });
          continue;
        }
        expect(step).toMatchObject(want);
        expect(step.attempt).toBe(1);
        if (want.status !== 'COMPLETED') expect(step.message).toMatch(/ at 75$/);
      }
      const touched = plans.filter((p) => p.execution === e).length * STEPS_PER_WRITER;
      expect(final!.steps.filter((s) => s.status !== 'PENDING')).toHaveLength(touched);
      expect(final!.progress.runningSteps).toBe(final!.steps.filter((s) => s.status === 'RUNNING').length);
    }
  });
});
