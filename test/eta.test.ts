import { seededRandom } from '../src/domain/random.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  durationStats,
  estimateAt,
  estimateQueueStart,
  historyStepKey,
  logNormalFromStats,
  normalQuantile,
  normalUpperTail,
  planEta,
  quantile,
  quantilesOfSum,
  addMoments,
  momentsOf,
  remainingQuantiles,
  type EtaStep,
} from '../src/domain/eta.js';
import { ApproveStep, CompleteExecution, CompleteStep, RequestApproval, StartExecution, StartStep } from './documents.js';
import { createExecution } from './fixtures.js';
import { manualClock, startServer, type TestServer } from './harness.js';
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
    const history = new Map([[historyStepKey('a', 'script'), { p50Ms: 10_000, p90Ms: 15_000, samples: 40 }]]);
    expect(planEta([step('a', 'PENDING')], history).basis).toBe('HISTORY');
    expect(planEta([step('a', 'PENDING'), step('b', 'PENDING')], history).basis).toBe('NONE');
    const paced = planEta([step('a', 'COMPLETED', at(0), at(20)), step('b', 'PENDING')], history);
    expect(paced.basis).toBe('PACE');
    expect(paced.expectedMs.get('b')).toBeCloseTo(20_000);
    const none = planEta([step('x', 'RUNNING', at(0)), step('y', 'PENDING')], new Map());
    expect(estimateAt(none, { status: 'RUNNING', finishedAt: null, elapsedMs: 5_000 }, at(5))).toMatchObject({
      etaBasis: 'NONE', estimatedRemainingMs: null, estimatedCompletion: null, percentByTime: null, isOverrunning: false,
    });
  });

  it('expects a queued execution to start after the executions ahead of it, at the recent start rate', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(estimateQueueStart(0, 6, 900_000, now)).toEqual(new Date(now.getTime() + 150_000));
    expect(estimateQueueStart(2, 6, 900_000, now)).toEqual(new Date(now.getTime() + 450_000));
    expect(estimateQueueStart(2, 0, 900_000, now)).toBeNull();
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

describe('queue ETA', () => {
  it('expects queued executions to start in queue order at the recent start rate', async () => {
    for (let i = 0; i < 6; i++) {
      const created = await createExecution(server, { workflow: 'nightly', namespace: 'queue', steps: [{ name: 'job', type: 'script' }] });
      await server.data(StartExecution, { id: created.id });
      await server.data(StartStep, { stepId: created.steps[0]!.id });
      clock.advance(60_000);
      await server.data(CompleteStep, { stepId: created.steps[0]!.id });
      await server.data(CompleteExecution, { id: created.id });
    }
    const queued = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(1);
      queued.push(await createExecution(server, { workflow: 'nightly', namespace: 'queue', queued: true, steps: [{ name: 'job', type: 'script' }] }));
    }
    const now = clock.now().getTime();
    const { activeExecutions } = await server.data(ActiveProgress, { namespace: 'queue' });
    expect(activeExecutions.map((p) => p.executionId)).toEqual(queued.map((q) => q.id));
    // Six starts in the last 15 minutes: one every 150 s.
    activeExecutions.forEach((progress, ahead) => {
      const startAt = now + (ahead + 1) * 150_000;
      expect(progress).toMatchObject({ status: 'QUEUED', etaBasis: 'HISTORY', elapsedMs: null });
      expect(new Date(progress.estimatedStartAt!).getTime()).toBe(startAt);
      expect(progress.estimatedRemainingMs).toBeCloseTo(60_000, -1);
      expect(new Date(progress.estimatedCompletion!).getTime()).toBe(startAt + progress.estimatedRemainingMs!);
    });

    const lonely = await createExecution(server, { workflow: 'nightly', namespace: 'quiet', queued: true, stepCount: 1 });
    const quiet = await progressOf(lonely.id);
    expect(quiet.progress).toMatchObject({ status: 'QUEUED', estimatedStartAt: null, estimatedCompletion: null });
  });
});
