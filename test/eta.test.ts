import { seededRandom } from '../src/domain/random.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMoments,
  durationStats,
  logNormalFromStats,
  momentsOf,
  normalQuantile,
  normalUpperTail,
  quantile,
  quantilesOfSum,
  remainingQuantiles,
} from '../src/domain/distributions.js';
import { estimateAt, historyStepKey, planEta, type EtaStep } from '../src/domain/eta.js';
import { predictQueueStarts } from '../src/domain/queue-eta.js';
import { ApproveStep, CompleteExecution, CompleteStep, QueueExecution, RequestApproval, StartExecution, StartStep } from './documents.js';
import { createExecution } from './fixtures.js';
import { freshDatabaseUrl, manualClock, onPostgres, startServer, type TestServer } from './harness.js';
import { ActiveProgress, ExecutionProgressOf } from './progress-documents.js';

describe('ETA maths (pure)', () => {
  it('quantile interpolates like percentile_cont', () => {
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(durationStats([5, 1, 3])).toEqual({ p50Ms: 3, p90Ms: 4.6, samples: 3 });
  });

  it('normal quantile and upper tail invert each other, deep into the tails', () => {
    for (const p of [1e-12, 1e-6, 0.01, 0.1, 0.5, 0.9, 0.99]) {
      expect(normalUpperTail(-normalQuantile(p)) / p).toBeCloseTo(1, 5);
    }
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655, 6);
  });

  it("a running step's remaining time stays positive and, once well overdue, grows with the overrun", () => {
    const model = logNormalFromStats({ p50Ms: 60_000, p90Ms: 90_000, samples: 1_000 });
    const fresh = remainingQuantiles(model, 0);
    expect(fresh.p50).toBeCloseTo(60_000, -1);
    expect(remainingQuantiles(model, 30_000).p50).toBeLessThan(fresh.p50);
    // Just past the median the residual dips (most runs end soon), then the heavy tail takes over.
    const late = [120_000, 240_000, 1_000_000, 10_000_000].map((used) => remainingQuantiles(model, used));
    for (const q of late) expect(q.p50).toBeGreaterThan(0);
    for (let i = 1; i < late.length; i++) expect(late[i]!.p50).toBeGreaterThanOrEqual(late[i - 1]!.p50);
    for (const q of late) expect(q.p90).toBeGreaterThanOrEqual(q.p50);
  });

  it("the p90 of a sum of independent steps is well below the sum of their p90s", () => {
    const steps = Array.from({ length: 10 }, () => ({ p50: 60_000, p90: 90_000 }));
    const sum = quantilesOfSum(steps.map(momentsOf).reduce(addMoments));
    expect(sum.p90).toBeLessThan(0.8 * 900_000);
    expect(sum.p90).toBeGreaterThan(sum.p50);
    expect(sum.p50).toBeGreaterThan(600_000);
  });

  it('bases the plan on history, then pace, then nothing', () => {
    const at = (s: number) => new Date(s * 1_000);
    const step = (id: string, status: EtaStep['status'], startedAt: Date | null = null, finishedAt: Date | null = null): EtaStep => ({
      id, name: id, type: 'script', status, startedAt, finishedAt,
    });
    const history = { steps: new Map([[historyStepKey('a', 'script'), { p50Ms: 10_000, p90Ms: 15_000, samples: 40 }]]), run: null };
    expect(planEta([step('a', 'PENDING')], history).basis).toBe('HISTORY');
    expect(planEta([step('a', 'PENDING'), step('b', 'PENDING')], history).basis).toBe('NONE');
    const paced = planEta([step('a', 'COMPLETED', at(0), at(20)), step('b', 'PENDING')], history);
    expect(paced.basis).toBe('PACE');
    expect(paced.expectedMs.get('b')).toBeCloseTo(20_000);
    const none = planEta([step('x', 'RUNNING', at(0)), step('y', 'PENDING')], { steps: new Map(), run: null });
    expect(estimateAt(none, { status: 'RUNNING', finishedAt: null, elapsedMs: 5_000 }, at(5))).toMatchObject({
      etaBasis: 'NONE', estimatedRemainingMs: null, estimatedCompletion: null, percentByTime: null, isOverrunning: false,
    });
  });

  it('expects a queued execution to start at the dispatch rate, or when a running slot frees, whichever is later', () => {
    const now = new Date('2026-01-01T00:10:00Z');
    const ago = (s: number) => new Date(now.getTime() - s * 1_000);
    const queued = [{ id: 'a', run: null }, { id: 'b', run: null }];
    // Four starts within a second, 9 s ago: about one start every 3 s since.
    const rate = predictQueueStarts({ queued, running: [], recentStarts: [ago(10), ago(9.7), ago(9.4), ago(9)] }, now);
    expect(rate.get('a')).toMatchObject({ basis: 'RATE', startAt: new Date(now.getTime() + 3_333) });
    expect(rate.get('b')!.startAt).toEqual(new Date(now.getTime() + 6_667));
    expect(rate.get('a')!.earliestAt!.getTime()).toBeLessThan(rate.get('a')!.startAt!.getTime());
    expect(rate.get('a')!.latestAt!.getTime()).toBeGreaterThan(rate.get('a')!.startAt!.getTime());
    // One slot, busy for about another minute (runs take 2 min): the slot binds.
    const run = { p50Ms: 120_000, p90Ms: 150_000, samples: 50 };
    const slots = predictQueueStarts(
      { queued: queued.map((q) => ({ ...q, run })), running: [{ startedAt: ago(60), run }], recentStarts: [ago(10), ago(9)] },
      now,
    );
    expect(slots.get('a')!.basis).toBe('SLOTS');
    expect(slots.get('a')!.startAt!.getTime() - now.getTime()).toBeGreaterThan(50_000);
    expect(slots.get('b')!.startAt!.getTime() - slots.get('a')!.startAt!.getTime()).toBeCloseTo(120_000, -3);
    expect(predictQueueStarts({ queued, running: [], recentStarts: [] }, now).get('a')).toMatchObject({ basis: 'NONE', startAt: null });
  });
});

/** A deploy pipeline whose steps take log-normal times with different medians and spreads. */
const PIPELINE = [
  { name: 'checkout', type: 'script', medianMs: 20_000, sigma: 0.15 },
  { name: 'build', type: 'script', medianMs: 90_000, sigma: 0.12 },
  { name: 'test', type: 'script', medianMs: 60_000, sigma: 0.2 },
  { name: 'approve', type: 'approval', medianMs: 30_000, sigma: 0.25 },
  { name: 'deploy', type: 'http', medianMs: 45_000, sigma: 0.12 },
];
const HISTORY_RUNS = 30;
const EVALUATION_RUNS = 30;
const SAMPLES_PER_RUN = 4;

const clock = manualClock(new Date('2026-02-01T00:00:00.000Z'));
let server: TestServer;
const random = seededRandom(20260201);
const standardNormal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const drawDurations = () => PIPELINE.map((s) => Math.round(s.medianMs * Math.exp(s.sigma * standardNormal())));

beforeAll(async () => {
  server = await startServer({ clock });
});

async function startPipeline(namespace = 'default', steps = PIPELINE.map(({ name, type }) => ({ name, type }))) {
  const created = await createExecution(server, { workflow: 'deploy-pipeline', namespace, steps });
  await server.data(StartExecution, { id: created.id });
  return created;
}

/** Runs a pipeline with the given step durations; `sample(elapsedMs)` is called at each of `at`. */
async function runPipeline(durations: number[], at: number[] = [], sample?: (elapsedMs: number, id: string) => Promise<void>) {
  const created = await startPipeline();
  let elapsed = 0;
  const pending = [...at];
  for (const [i, step] of created.steps.entries()) {
    const gate = PIPELINE[i]!.type === 'approval';
    if (gate) await server.data(RequestApproval, { stepId: step.id });
    else await server.data(StartStep, { stepId: step.id });
    const end = elapsed + durations[i]!;
    while (pending.length > 0 && pending[0]! < end) {
      const point = pending.shift()!;
      clock.advance(point - elapsed);
      elapsed = point;
      await sample!(elapsed, created.id);
    }
    clock.advance(end - elapsed);
    elapsed = end;
    if (gate) await server.data(ApproveStep, { stepId: step.id, by: 'release-manager' });
    else await server.data(CompleteStep, { stepId: step.id });
  }
  await server.data(CompleteExecution, { id: created.id });
  return elapsed;
}

const progressOf = async (id: string) => (await server.data(ExecutionProgressOf, { id })).execution!;

describe('ETA from history', () => {
  const history = PIPELINE.map(() => [] as number[]);

  it('learns each step’s median from the recent successful runs (expectedDurationMs)', async () => {
    for (let run = 0; run < HISTORY_RUNS; run++) {
      const durations = drawDurations();
      durations.forEach((d, i) => history[i]!.push(d));
      await runPipeline(durations);
    }
    const fresh = await createExecution(server, { workflow: 'deploy-pipeline', steps: PIPELINE.map(({ name, type }) => ({ name, type })) });
    const read = await progressOf(fresh.id);
    read.steps.forEach((step, i) => expect(step.expectedDurationMs).toBeCloseTo(durationStats(history[i]!).p50Ms, 3));
    // Not started yet: a full run is expected, but not when it will end.
    expect(read.progress).toMatchObject({ etaBasis: 'HISTORY', percentByTime: 0, estimatedCompletion: null, isOverrunning: false });
    const sumOfMedians = read.steps.reduce((sum, s) => sum + s.expectedDurationMs!, 0);
    expect(read.progress.estimatedRemainingMs! / sumOfMedians).toBeGreaterThan(0.95);
    expect(read.progress.estimatedRemainingMs! / sumOfMedians).toBeLessThan(1.1);
  });

  it('estimates the remaining time within 15% (median) and bounds it by the p90 in 85%+ of cases', async () => {
    const errors: number[] = [];
    let covered = 0;
    for (let run = 0; run < EVALUATION_RUNS; run++) {
      const durations = drawDurations();
      const total = durations.reduce((a, b) => a + b, 0);
      const at = Array.from({ length: SAMPLES_PER_RUN }, () => Math.round(random() * total)).sort((a, b) => a - b);
      await runPipeline(durations, at, async (elapsed, id) => {
        const { progress } = await progressOf(id);
        const truth = total - elapsed;
        expect(progress.etaBasis).toBe('HISTORY');
        expect(progress.elapsedMs).toBe(elapsed);
        expect(new Date(progress.estimatedCompletion!).getTime()).toBe(clock.now().getTime() + progress.estimatedRemainingMs!);
        errors.push(Math.abs(progress.estimatedRemainingMs! - truth) / truth);
        if (truth <= progress.estimatedRemainingP90Ms!) covered++;
      });
    }
    const medianError = quantile([...errors].sort((a, b) => a - b), 0.5);
    const coverage = covered / errors.length;
    console.log(
      `ETA accuracy over ${errors.length} samples (${EVALUATION_RUNS} runs after ${HISTORY_RUNS} of history): ` +
        `median absolute error ${(medianError * 100).toFixed(1)}% of the true remaining time; ` +
        `true remaining <= p90 bound in ${(coverage * 100).toFixed(1)}%`,
    );
    expect(errors.length).toBe(EVALUATION_RUNS * SAMPLES_PER_RUN);
    expect(medianError).toBeLessThanOrEqual(0.15);
    expect(coverage).toBeGreaterThanOrEqual(0.85);
  });

  it('weights percentByTime by expected step durations and flags a step running past its p90', async () => {
    const created = await startPipeline();
    const expected = (await progressOf(created.id)).steps.map((s) => s.expectedDurationMs!);
    const total = expected.reduce((a, b) => a + b, 0);

    await server.data(StartStep, { stepId: created.steps[0]!.id });
    clock.advance(expected[0]!);
    await server.data(CompleteStep, { stepId: created.steps[0]!.id });
    const afterFirst = await progressOf(created.id);
    expect(afterFirst.progress.progressPercent).toBe(20);
    expect(afterFirst.progress.percentByTime).toBeCloseTo((100 * expected[0]!) / total, 1);

    await server.data(StartStep, { stepId: created.steps[1]!.id });
    clock.advance(expected[1]! / 2);
    const onTime = await progressOf(created.id);
    expect(onTime.progress.isOverrunning).toBe(false);
    expect(onTime.progress.percentByTime).toBeGreaterThan(afterFirst.progress.percentByTime!);

    clock.advance(3 * expected[1]!);
    const late = await progressOf(created.id);
    const stillPending = expected.slice(2).reduce((a, b) => a + b, 0);
    expect(late.progress).toMatchObject({ isOverrunning: true, etaBasis: 'HISTORY', currentStep: { name: 'build' } });
    // An overrunning step still has some time left: the estimate never drops to "the rest only".
    expect(late.progress.estimatedRemainingMs!).toBeGreaterThan(stillPending);
    expect(late.progress.estimatedRemainingP90Ms!).toBeGreaterThan(late.progress.estimatedRemainingMs!);
  });

  it('uses pace when a step has no history, and nothing before a step has finished', async () => {
    const steps = [...PIPELINE.map(({ name, type }) => ({ name, type })), { name: 'smoke-test', type: 'http' }];
    const created = await startPipeline('default', steps);
    const before = await progressOf(created.id);
    expect(before.progress).toMatchObject({ etaBasis: 'NONE', estimatedRemainingMs: null, estimatedRemainingP90Ms: null, percentByTime: null });
    expect(before.steps.at(-1)!.expectedDurationMs).toBeNull();
    expect(before.steps[0]!.expectedDurationMs).not.toBeNull();

    await server.data(StartStep, { stepId: created.steps[0]!.id });
    clock.advance(24_000);
    await server.data(CompleteStep, { stepId: created.steps[0]!.id });
    const after = await progressOf(created.id);
    expect(after.progress.etaBasis).toBe('PACE');
    expect(after.steps.at(-1)!.expectedDurationMs).toBe(24_000);
    expect(after.progress.estimatedRemainingMs).toBeGreaterThan(0);
  });
});

describe('no history at all', () => {
  it('says NONE until a step finishes, then estimates from the pace so far', async () => {
    const created = await createExecution(server, { workflow: 'brand-new', namespace: 'fresh', stepCount: 3 });
    await server.data(StartExecution, { id: created.id });
    await server.data(StartStep, { stepId: created.steps[0]!.id });
    clock.advance(5_000);
    const first = await progressOf(created.id);
    expect(first.progress).toMatchObject({
      etaBasis: 'NONE', estimatedRemainingMs: null, estimatedRemainingP90Ms: null, estimatedCompletion: null, percentByTime: null, isOverrunning: false,
    });
    expect(first.steps.map((s) => s.expectedDurationMs)).toEqual([null, null, null]);

    clock.advance(5_000);
    await server.data(CompleteStep, { stepId: created.steps[0]!.id });
    const paced = await progressOf(created.id);
    expect(paced.progress.etaBasis).toBe('PACE');
    expect(paced.steps.map((s) => s.expectedDurationMs)).toEqual([10_000, 10_000, 10_000]);
    // Two steps of about 10 s left.
    expect(paced.progress.estimatedRemainingMs).toBeGreaterThan(18_000);
    expect(paced.progress.estimatedRemainingMs).toBeLessThan(25_000);
    expect(paced.progress.estimatedRemainingP90Ms).toBeGreaterThan(paced.progress.estimatedRemainingMs!);
    expect(paced.progress.percentByTime).toBeCloseTo(33.33, 2);
    expect(new Date(paced.progress.estimatedCompletion!).getTime()).toBe(clock.now().getTime() + paced.progress.estimatedRemainingMs!);
  });
});

/** Runs one execution of `workflow` whose steps take `durations` and runs `gapMs` between steps. */
async function runOnce(workflow: string, namespace: string, durations: number[], gapMs = 0) {
  const created = await createExecution(server, { workflow, namespace, stepCount: durations.length });
  await server.data(StartExecution, { id: created.id });
  for (const [i, step] of created.steps.entries()) {
    clock.advance(gapMs);
    await server.data(StartStep, { stepId: step.id });
    clock.advance(durations[i]!);
    await server.data(CompleteStep, { stepId: step.id });
  }
  clock.advance(gapMs);
  await server.data(CompleteExecution, { id: created.id });
  return durations.reduce((a, b) => a + b, 0) + gapMs * (durations.length + 1);
}

describe('ETA history is never stale', () => {
  it('counts an execution that just finished in the next estimate', async () => {
    const watched = await createExecution(server, { workflow: 'fresh', namespace: 'stale', stepCount: 1 });
    await server.data(StartExecution, { id: watched.id });
    expect((await progressOf(watched.id)).progress.etaBasis).toBe('NONE');
    for (let i = 0; i < 6; i++) await runOnce('fresh', 'stale', [1_000]);
    const next = await createExecution(server, { workflow: 'fresh', namespace: 'stale', stepCount: 1 });
    await server.data(StartExecution, { id: next.id });
    const read = await progressOf(next.id);
    expect(read.progress.etaBasis).toBe('HISTORY');
    expect(read.steps[0]!.expectedDurationMs).toBe(1_000);
    // The execution read before the six finished sees them too.
    expect((await progressOf(watched.id)).progress.etaBasis).toBe('HISTORY');
  });
});

describe.runIf(onPostgres)('ETA history across instances', () => {
  it('counts an execution another instance just finished', async () => {
    const databaseUrl = await freshDatabaseUrl();
    const [writer, reader] = [await startServer({ clock, databaseUrl }), await startServer({ clock, databaseUrl })];
    const watched = await createExecution(reader, { workflow: 'shared', stepCount: 1 });
    await reader.data(StartExecution, { id: watched.id });
    const read = async () => (await reader.data(ExecutionProgressOf, { id: watched.id })).execution!;
    expect((await read()).progress.etaBasis).toBe('NONE');
    for (let i = 0; i < 6; i++) {
      const created = await createExecution(writer, { workflow: 'shared', stepCount: 1 });
      await writer.data(StartExecution, { id: created.id });
      await writer.data(StartStep, { stepId: created.steps[0]!.id });
      clock.advance(700);
      await writer.data(CompleteStep, { stepId: created.steps[0]!.id });
      await writer.data(CompleteExecution, { id: created.id });
    }
    const after = await read();
    expect(after.progress.etaBasis).toBe('HISTORY');
    expect(after.steps[0]!.expectedDurationMs).toBe(700);
  });
});

describe('run ETA and overrun from whole runs', () => {
  const STEP_MEDIANS = [400, 500, 450];
  const GAP_MS = 80;
  const runs: number[] = [];
  const firstStep: number[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 12; i++) {
      const durations = STEP_MEDIANS.map((m) => Math.round(m * Math.exp(0.2 * standardNormal())));
      firstStep.push(durations[0]!);
      runs.push(await runOnce('gappy', 'runs', durations, GAP_MS));
    }
    // Well after the last run: what follows tests the estimate, not how fresh its history is.
    clock.advance(60_000);
  });

  it('expects a new run to take the whole runs\' median, time between steps included, and flags it only past their p90', async () => {
    const sorted = [...runs].sort((a, b) => a - b);
    const created = await createExecution(server, { workflow: 'gappy', namespace: 'runs', stepCount: 3 });
    await server.data(StartExecution, { id: created.id });
    const fresh = (await progressOf(created.id)).progress;
    expect(fresh.etaBasis).toBe('HISTORY');
    expect(Math.abs(fresh.estimatedRemainingMs! - quantile(sorted, 0.5))).toBeLessThanOrEqual(1);

    const runP90 = quantile(sorted, 0.9);
    clock.advance(Math.floor(runP90) - 1);
    expect((await progressOf(created.id)).progress.isOverrunning).toBe(false);
    clock.advance(2);
    expect((await progressOf(created.id)).progress.isOverrunning).toBe(true);
    await server.data(CompleteExecution, { id: created.id }).catch(() => undefined);
  });

  it('keeps the estimate of a running run close to the truth when runs spend time between steps', async () => {
    const created = await createExecution(server, { workflow: 'gappy', namespace: 'runs', stepCount: 3 });
    await server.data(StartExecution, { id: created.id });
    clock.advance(GAP_MS);
    await server.data(StartStep, { stepId: created.steps[0]!.id });
    const { progress } = await progressOf(created.id);
    const truthMedian = quantile([...runs].sort((a, b) => a - b), 0.5) - GAP_MS;
    expect(Math.abs(progress.estimatedRemainingMs! - truthMedian) / truthMedian).toBeLessThan(0.05);
  });

  it('flips a step\'s overrun flag when the step passes its learned p90', async () => {
    const created = await createExecution(server, { workflow: 'gappy', namespace: 'runs', stepCount: 3 });
    await server.data(StartExecution, { id: created.id });
    await server.data(StartStep, { stepId: created.steps[0]!.id });
    const stepP90 = quantile([...firstStep].sort((a, b) => a - b), 0.9);
    clock.advance(Math.floor(stepP90) - 1);
    expect((await progressOf(created.id)).progress.isOverrunning).toBe(false);
    clock.advance(2);
    expect((await progressOf(created.id)).progress.isOverrunning).toBe(true);
  });
});

describe('no overrun from too little', () => {
  it('flags nothing from pace, nor from fewer than 5 runs of history', async () => {
    const paced = await createExecution(server, { workflow: 'noisy', namespace: 'noise', stepCount: 3 });
    await server.data(StartExecution, { id: paced.id });
    await server.data(StartStep, { stepId: paced.steps[0]!.id });
    clock.advance(8);
    await server.data(CompleteStep, { stepId: paced.steps[0]!.id });
    clock.advance(31);
    expect((await progressOf(paced.id)).progress).toMatchObject({ etaBasis: 'PACE', elapsedMs: 39, isOverrunning: false });

    for (let i = 0; i < 4; i++) await runOnce('thin', 'noise', [100]);
    const thin = await createExecution(server, { workflow: 'thin', namespace: 'noise', stepCount: 1 });
    await server.data(StartExecution, { id: thin.id });
    await server.data(StartStep, { stepId: thin.steps[0]!.id });
    clock.advance(10_000);
    expect((await progressOf(thin.id)).progress).toMatchObject({ etaBasis: 'HISTORY', isOverrunning: false });
  });
});

describe('queue ETA', () => {
  it('orders the queue by queue time, in the listing and the prediction', async () => {
    const early = await createExecution(server, { workflow: 'ordered', namespace: 'order', stepCount: 1 });
    clock.advance(1);
    const queued = [];
    for (let i = 0; i < 3; i++) {
      queued.push(await createExecution(server, { workflow: 'ordered', namespace: 'order', queued: true, stepCount: 1 }));
      clock.advance(1);
    }
    await server.data(QueueExecution, { id: early.id });
    const starter = await createExecution(server, { workflow: 'ordered', namespace: 'order', stepCount: 1 });
    await server.data(StartExecution, { id: starter.id });
    clock.advance(1_000);
    const { activeExecutions } = await server.data(ActiveProgress, { namespace: 'order' });
    const waiting = activeExecutions.filter((p) => p.status === 'QUEUED');
    expect(waiting.map((p) => p.executionId)).toEqual([...queued, early].map((q) => q.id));
    const starts = waiting.map((p) => new Date(p.estimatedStartAt!).getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(starts).size).toBe(starts.length);
    expect(waiting.every((p) => p.queueEtaBasis === 'RATE')).toBe(true);
  });

  it('predicts starts of a simulated queue with 3 slots within 25% (median), once 10 starts were seen', async () => {
    const SLOTS = 3;
    const JOBS = 30;
    const namespace = 'sim';
    const jobs: Awaited<ReturnType<typeof createExecution>>[] = [];
    for (let i = 0; i < JOBS; i++) {
      jobs.push(await createExecution(server, { workflow: 'job', namespace, queued: true, stepCount: 1 }));
      clock.advance(1);
    }
    const durations = jobs.map(() => Math.round(60_000 * Math.exp(0.25 * standardNormal())));
    const trueStart = new Map<string, number>();
    const finishAt = new Map<string, number>();
    const predictions: { id: string; at: number; predicted: number }[] = [];
    let next = 0;
    const dispatch = async () => {
      const job = jobs[next++]!;
      await server.data(StartExecution, { id: job.id });
      await server.data(StartStep, { stepId: job.steps[0]!.id });
      trueStart.set(job.id, clock.now().getTime());
      finishAt.set(job.id, clock.now().getTime() + durations[next - 1]!);
    };
    while (next < SLOTS) await dispatch();
    while (finishAt.size > 0) {
      if (trueStart.size >= 10) {
        const { activeExecutions } = await server.data(ActiveProgress, { namespace });
        for (const p of activeExecutions.filter((e) => e.status === 'QUEUED')) {
          expect(p.queueEtaBasis).not.toBe('NONE');
          expect(new Date(p.estimatedStartEarliestAt!).getTime()).toBeLessThanOrEqual(new Date(p.estimatedStartAt!).getTime());
          expect(new Date(p.estimatedStartLatestAt!).getTime()).toBeGreaterThanOrEqual(new Date(p.estimatedStartAt!).getTime());
          predictions.push({ id: p.executionId, at: clock.now().getTime(), predicted: new Date(p.estimatedStartAt!).getTime() });
        }
      }
      const [id, at] = [...finishAt.entries()].reduce((a, b) => (b[1] < a[1] ? b : a));
      clock.set(new Date(at));
      const job = jobs.find((j) => j.id === id)!;
      await server.data(CompleteStep, { stepId: job.steps[0]!.id });
      await server.data(CompleteExecution, { id });
      finishAt.delete(id);
      if (next < JOBS) await dispatch();
    }
    const errors = predictions
      .map(({ id, at, predicted }) => ({ truth: trueStart.get(id)! - at, predicted: predicted - at }))
      .filter(({ truth }) => truth > 0)
      .map(({ truth, predicted }) => Math.abs(predicted - truth) / truth)
      .sort((a, b) => a - b);
    const medianError = quantile(errors, 0.5);
    console.log(`queue ETA over ${errors.length} predictions of ${JOBS} jobs on ${SLOTS} slots: median error ${(medianError * 100).toFixed(1)}% of the true wait`);
    expect(errors.length).toBeGreaterThan(100);
    expect(medianError).toBeLessThan(0.25);
  });
});
