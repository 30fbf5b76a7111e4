import type { RunwatchClient } from '../client/index.js';
import { seededRandom } from '../domain/random.js';
import type { Logger } from '../logger.js';

type StepKind = 'script' | 'http' | 'approval';

interface WorkflowSpec {
  name: string;
  /** [name, type, median duration in ms] */
  steps: [string, StepKind, number][];
  slaMs?: number;
  timeoutMs?: number;
}

const WORKFLOWS: WorkflowSpec[] = [
  {
    name: 'deploy-service',
    slaMs: 40_000,
    steps: [
      ['checkout', 'script', 1_500],
      ['build', 'script', 6_000],
      ['unit-tests', 'script', 5_000],
      ['approve-production', 'approval', 4_000],
      ['rollout', 'http', 4_000],
      ['smoke-test', 'http', 2_000],
    ],
  },
  {
    name: 'nightly-backup',
    slaMs: 20_000,
    steps: [
      ['snapshot', 'script', 4_000],
      ['upload', 'http', 6_000],
      ['verify', 'script', 2_000],
    ],
  },
  {
    name: 'rotate-certificates',
    steps: [
      ['list-certificates', 'http', 1_000],
      ['issue', 'http', 3_000],
      ['deploy', 'script', 3_000],
      ['verify', 'http', 1_000],
    ],
  },
  {
    name: 'incident-triage',
    slaMs: 15_000,
    steps: [
      ['collect-logs', 'script', 2_000],
      ['page-on-call', 'http', 500],
      ['approve-restart', 'approval', 3_000],
      ['restart', 'script', 3_000],
    ],
  },
  {
    name: 'db-migration',
    timeoutMs: 22_000,
    steps: [
      ['backup', 'script', 5_000],
      ['migrate', 'script', 12_000],
      ['verify', 'script', 3_000],
    ],
  },
];

/** Random choices over a seeded PRNG, so a seeded demo replays the same story. */
function random(seed: number) {
  const next = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    next,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
    /** Log-normal around `median`: the spread real step durations show. */
    duration: (median: number, sigma = 0.35) => median * Math.exp(sigma * normal()),
  };
}

export interface DemoEngineOptions {
  client: RunwatchClient;
  logger: Logger;
  /** Time runs this many times faster than the demo's natural pace (tests use 10 or more). */
  speed?: number;
  seed?: number;
  /** Executions run at once; the queue backs up when arrivals outpace it. */
  capacity?: number;
  namespace?: string;
}

/** The demo's time: waits run `speed` times faster, and every one still waiting ends when it stops. */
function demoClock(speed: number) {
  let stopped = false;
  const timers = new Map<NodeJS.Timeout, () => void>();
  return {
    speed,
    stopped: () => stopped,
    wait: (ms: number) =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms / speed);
        timers.set(timer, resolve);
      }),
    stop() {
      stopped = true;
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
    },
  };
}
type DemoClock = ReturnType<typeof demoClock>;

/** What reporting one execution needs. */
interface Reporter {
  client: RunwatchClient;
  rng: ReturnType<typeof random>;
  clock: DemoClock;
}

/** An approval gate decided after a while, now and then rejected. Returns true when that ended the execution. */
async function decideApproval({ client, rng, clock }: Reporter, id: string, stepId: string, median: number) {
  await client.requestApproval(stepId, ['alice', 'bob'], 'Please review before continuing');
  await clock.wait(rng.duration(median));
  if (rng.chance(0.1)) {
    await client.rejectStep(stepId, rng.pick(['alice', 'bob']), 'Not during business hours');
    await client.failExecution(id, 'Approval rejected');
    return true;
  }
  await client.approveStep(stepId, rng.pick(['alice', 'bob']), 'Looks good');
  return false;
}

/**
 * A script or http step, reporting progress about every second, failing now and then and retried
 * up to three attempts. Returns true when it ended the execution (a timeout or its last failure).
 */
async function runTask(reporter: Reporter, id: string, step: WorkflowSpec['steps'][number], stepId: string, timedOut: () => boolean) {
  const { client, rng, clock } = reporter;
  const [name, kind, median] = step;
  for (let attempt = 1; ; attempt++) {
    await client.startStep(stepId);
    const duration = rng.duration(median) * (kind === 'http' && rng.chance(0.1) ? 3 : 1);
    const ticks = Math.max(1, Math.round(duration / 1_000));
    for (let tick = 1; tick <= ticks; tick++) {
      await clock.wait(duration / ticks);
      if (timedOut()) {
        await client.timeoutExecution(id);
        return true;
      }
      if (tick < ticks) await client.reportStepProgress(stepId, Math.round((100 * tick) / ticks), `${tick}/${ticks}`);
    }
    if (!rng.chance(0.08)) {
      await client.completeStep(stepId);
      return false;
    }
    const error = rng.pick(['connection reset by peer', 'exit status 1', 'HTTP 503 from upstream']);
    const retry = attempt < 3;
    await client.failStep(stepId, error, retry);
    if (!retry) {
      await client.failExecution(id, `Step ${name} failed: ${error}`);
      return true;
    }
  }
}

/** Reports one execution until it finishes, or until the engine stops. */
async function runSteps(reporter: Reporter, spec: WorkflowSpec, id: string, stepIds: string[]) {
  const { client, rng, clock } = reporter;
  await client.startExecution(id);
  const started = Date.now();
  const timedOut = () => spec.timeoutMs !== undefined && (Date.now() - started) * clock.speed > spec.timeoutMs;
  const cancelAt = rng.chance(0.04) ? rng.next() * spec.steps.length : Infinity;

  for (const [index, step] of spec.steps.entries()) {
    if (clock.stopped()) return;
    const stepId = stepIds[index]!;
    if (index >= cancelAt) {
      await client.cancelExecution(id, 'Cancelled by an operator');
      return;
    }
    const [, kind, median] = step;
    const ended =
      kind === 'approval' ? await decideApproval(reporter, id, stepId, median) : await runTask(reporter, id, step, stepId, timedOut);
    if (ended) return;
  }
  await client.completeExecution(id);
}

/** Runs queued jobs, at most `capacity()` at once, and keeps every job and arrival still going in `inFlight`. */
function workerPool(capacity: () => number, clock: DemoClock, log: Logger) {
  let running = 0;
  const queue: (() => Promise<void>)[] = [];
  const inFlight = new Set<Promise<void>>();

  function dispatch() {
    while (!clock.stopped() && running < capacity() && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      const task = job()
        .catch((error: unknown) => log.warn({ err: error }, 'execution failed to report'))
        .finally(() => {
          running--;
          inFlight.delete(task);
          dispatch();
        });
      inFlight.add(task);
    }
  }

  return {
    inFlight,
    submit(job: () => Promise<void>) {
      queue.push(job);
      dispatch();
    },
    track(work: Promise<void>) {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  };
}

/** Cancels the executions the engine left open, 100 to a request. */
async function cancelOpen(client: RunwatchClient, ids: string[], log: Logger) {
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100).map((id) => ({ cancelExecution: { id, reason: 'The demo engine stopped' } }));
    await client.ingest(batch).catch((error: unknown) => log.warn({ err: error }, 'could not cancel the demo executions'));
  }
  if (ids.length) log.info({ cancelled: ids.length }, 'demo engine stopped; cancelled its open executions');
}

/**
 * A simulated execution engine that reports through the typed client exactly as a real one would:
 * several workflows with realistic step durations, failures and retries, approval gates decided after
 * a delay, timeouts, cancellations, executions held PENDING, and a queue that backs up now and then.
 */
export function startDemoEngine(options: DemoEngineOptions) {
  const { client } = options;
  const log = options.logger.child({ component: 'demo-engine' });
  const clock = demoClock(options.speed ?? 1);
  const reporter: Reporter = { client, rng: random(options.seed ?? Date.now()), clock };
  const { rng } = reporter;
  const { wait } = clock;
  const namespace = options.namespace ?? 'default';
  let counter = 0;
  /** Executions this engine created and has not finished: cancelled when it stops. */
  const unfinished = new Set<string>();

  /** Every 60 s the engine loses most of its workers for 15 s, so the queue backs up. */
  const capacity = () => {
    const cycle = (Date.now() * clock.speed) % 60_000;
    return cycle < 15_000 ? 1 : (options.capacity ?? 6);
  };
  const workers = workerPool(capacity, clock, log);

  async function runExecution(spec: WorkflowSpec, id: string, stepIds: string[]) {
    await runSteps(reporter, spec, id, stepIds);
    if (!clock.stopped()) unfinished.delete(id);
  }

  async function arrive() {
    const spec = rng.pick(WORKFLOWS);
    const heldBack = rng.chance(0.1);
    const execution = await client.createExecution({
      workflow: spec.name,
      namespace,
      externalId: `demo-${process.pid}-${Date.now()}-${counter++}`,
      steps: spec.steps.map(([name, type]) => ({ name, type })),
      labels: { source: 'demo', team: rng.pick(['payments', 'platform', 'search']) },
      slaMs: spec.slaMs,
      timeoutMs: spec.timeoutMs,
      queued: !heldBack,
    });
    unfinished.add(execution.id);
    const stepIds = execution.steps.map((s) => s.id);
    // Some executions wait PENDING (e.g. for a maintenance window) before they are queued.
    if (heldBack) await wait(20_000 + rng.next() * 20_000);
    if (clock.stopped()) return;
    if (heldBack) await client.queueExecution(execution.id);
    workers.submit(() => runExecution(spec, execution.id, stepIds));
  }

  async function loop() {
    while (!clock.stopped()) {
      workers.track(arrive().catch((error: unknown) => log.warn({ err: error }, 'could not create an execution')));
      await wait(-Math.log(1 - rng.next()) * 5_000);
    }
  }

  const main = loop();
  log.info({ speed: clock.speed, workflows: WORKFLOWS.map((w) => w.name) }, 'demo engine started');
  return {
    /** Stops, then cancels what it left open: a later start must not find them still running. */
    async stop() {
      clock.stop();
      await main.catch(() => {});
      await Promise.allSettled([...workers.inFlight]);
      const open = [...unfinished];
      unfinished.clear();
      await cancelOpen(client, open, log);
    },
  };
}
