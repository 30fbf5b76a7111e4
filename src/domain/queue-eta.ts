import { logNormalFromStats, normalQuantile, remainingQuantiles, type LearnedStepDuration, type Quantiles } from './distributions.js';

export const QUEUE_ETA_BASES = ['SLOTS', 'RATE', 'NONE'] as const;
/** What a queued execution's expected start rests on: running slots freeing up, the observed dispatch rate, or nothing. */
export type QueueEtaBasis = (typeof QUEUE_ETA_BASES)[number];

/** The dispatch rate is read from this many latest starts of the namespace... */
export const RATE_STARTS = 20;
/** ...within at most this long before now. */
export const RATE_WINDOW_MS = 3_600_000;

export interface QueueStartEstimate {
  basis: QueueEtaBasis;
  startAt: Date | null;
  earliestAt: Date | null;
  latestAt: Date | null;
}
export const NO_QUEUE_ESTIMATE: QueueStartEstimate = { basis: 'NONE', startAt: null, earliestAt: null, latestAt: null };

/** A namespace's queue as the prediction sees it; `run` is the workflow's whole-run history, if any. */
export interface QueueState {
  /** In queue order (queue time). */
  queued: { id: string; run: LearnedStepDuration | null }[];
  running: { startedAt: Date; run: LearnedStepDuration | null }[];
  /** The latest starts (at most RATE_STARTS, within RATE_WINDOW_MS), oldest first. */
  recentStarts: Date[];
}

/** Low, middle and high quantiles of a duration (10th, 50th, 90th). */
type Band = [number, number, number];
/** Log-normal durations are symmetric in log: p10 = p50² / p90. */
const band = (q: Quantiles): Band => [(q.p50 * q.p50) / Math.max(q.p90, q.p50), q.p50, q.p90];

/**
 * Running slots: each running execution frees its slot after its own remaining time (its workflow's
 * run history, conditioned on the time it has run), and each queued execution, in queue order, takes
 * the first slot free and holds it for its expected run. Null unless every duration involved is known.
 */
function slotStarts(state: QueueState, now: number): Band[] | null {
  if (state.running.length === 0 || [...state.running, ...state.queued].some((e) => !e.run)) return null;
  const free = [0, 1, 2].map((i) =>
    state.running.map((r) => now + band(remainingQuantiles(logNormalFromStats(r.run!), Math.max(0, now - r.startedAt.getTime())))[i]!),
  );
  return state.queued.map((q) => {
    const duration = band(remainingQuantiles(logNormalFromStats(q.run!), 0));
    return [0, 1, 2].map((i) => {
      const slots = free[i]!;
      const first = slots.indexOf(Math.min(...slots));
      const start = slots[first]!;
      slots[first] = start + duration[i]!;
      return start;
    }) as Band;
  });
}

/** The p-quantile of a Gamma(shape, rate) wait (Wilson-Hilferty through chi-square). */
function gammaQuantile(shape: number, rate: number, p: number): number {
  const nu = 2 * shape;
  const h = 2 / (9 * nu);
  return (nu * Math.max(0, 1 - h + normalQuantile(p) * Math.sqrt(h)) ** 3) / (2 * rate);
}

/**
 * Little's law on the observed dispatch rate: starts arrive at rate lambda (the latest starts over the
 * time from the oldest of them to now, so the window shrinks when busy and a quiet spell slows the
 * rate down), and the execution with `ahead` before it starts at the (ahead + 1)-th arrival: a Gamma wait.
 */
function rateStarts(state: QueueState, now: number): Band[] | null {
  const oldest = state.recentStarts[0];
  if (!oldest || now <= oldest.getTime()) return null;
  const rate = Math.max(state.recentStarts.length - 1, 1) / (now - oldest.getTime());
  return state.queued.map((_, ahead) => [
    now + gammaQuantile(ahead + 1, rate, 0.1),
    now + (ahead + 1) / rate,
    now + gammaQuantile(ahead + 1, rate, 0.9),
  ]);
}

/**
 * Expected starts of a namespace's queued executions. A start needs both a free slot and the
 * dispatcher's turn, so where both predictions exist the later one binds and names the basis.
 */
export function predictQueueStarts(state: QueueState, now: Date): Map<string, QueueStartEstimate> {
  const at = now.getTime();
  const slots = slotStarts(state, at);
  const rate = rateStarts(state, at);
  const date = (ms: number) => new Date(Math.round(ms));
  return new Map(
    state.queued.map((q, i) => {
      const bySlots = slots?.[i];
      const byRate = rate?.[i];
      if (!bySlots && !byRate) return [q.id, NO_QUEUE_ESTIMATE];
      const binding = !byRate || (bySlots && bySlots[1] >= byRate[1]) ? 'SLOTS' : 'RATE';
      const pick = (k: number) => Math.max(bySlots?.[k] ?? -Infinity, byRate?.[k] ?? -Infinity);
      return [q.id, { basis: binding, startAt: date(pick(1)), earliestAt: date(pick(0)), latestAt: date(pick(2)) }];
    }),
  );
}
