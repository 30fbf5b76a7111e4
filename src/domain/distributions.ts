/** Duration distributions behind the ETA: quantiles, log-normal fits, sums of independent durations. */

/** Learned durations: median, p90 and how many samples they come from. */
export interface LearnedStepDuration {
  p50Ms: number;
  p90Ms: number;
  samples: number;
}

export const Z90 = 1.2815515655446004;
/** Even a step that always took the same time gets some spread, so an overrun has a finite tail. */
const MIN_SIGMA = 0.1;
/** The floor of a running step's remaining time, as a share of its median (see remainingQuantiles). */
const MIN_RESIDUAL_SHARE = 0.1;
/** Beyond this many sigmas, tail probabilities underflow: use the tail's asymptotic form instead. */
const FAR_TAIL_Z = 30;

/** The q-quantile with linear interpolation between order statistics, as SQL's percentile_cont. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** The learned duration of a step from its past durations. */
export function durationStats(durationsMs: readonly number[]): LearnedStepDuration {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return { p50Ms: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), samples: sorted.length };
}

/** Complementary error function; fractional error below 1.2e-7 (Numerical Recipes' erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export const normalUpperTail = (z: number) => 0.5 * erfc(z / Math.SQRT2);

/** The standard normal quantile: Acklam's approximation refined by one Halley step, good deep into the tails. */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const x = acklamQuantile(p);
  const error = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function acklamQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549671043537620, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** A step's duration model: ln(duration) ~ Normal(mu, sigma). */
export interface LogNormal {
  mu: number;
  sigma: number;
}

/**
 * Fits a log-normal through the learned p50 and p90, widened for small samples the way a prediction
 * interval is: 30 runs say less than 3,000. A median of n runs is as uncertain as a mean of 2n/pi,
 * and a spread read off p50 and p90 as a standard deviation of about n/3.7 runs (asymptotic
 * variances of sample quantiles), so a Student t with those degrees of freedom replaces z.
 */
export function logNormalFromStats(stats: LearnedStepDuration): LogNormal {
  const p50 = Math.max(stats.p50Ms, 1);
  const sigma = Math.max(Math.log(Math.max(stats.p90Ms, p50) / p50) / Z90, MIN_SIGMA);
  const n = Math.max(stats.samples, 1);
  const dof = Math.max(n / 3.73, 1);
  const t90 = Z90 + (Z90 ** 3 + Z90) / (4 * dof);
  const widening = (t90 / Z90) * Math.sqrt(1 + Math.PI / 2 / n);
  return { mu: Math.log(p50), sigma: sigma * widening };
}

export const logNormalQuantile = (d: LogNormal, q: number) => Math.exp(d.mu + d.sigma * normalQuantile(q));

export interface Quantiles {
  p50: number;
  p90: number;
}

/**
 * The remaining time of a step that has already run `usedMs`: quantiles of X - used given X > used.
 * Conditioning (rather than `p50 - used`) keeps the estimate positive and growing sensibly while a
 * step overruns: the longer it runs past its median, the more of the heavy tail is left. As a
 * safety net against rounding it never drops below a tenth of the step's median.
 */
export function remainingQuantiles(d: LogNormal, usedMs: number): Quantiles {
  if (usedMs <= 0) return { p50: logNormalQuantile(d, 0.5), p90: logNormalQuantile(d, 0.9) };
  const floor = MIN_RESIDUAL_SHARE * Math.exp(d.mu);
  const zUsed = (Math.log(usedMs) - d.mu) / d.sigma;
  const survival = normalUpperTail(zUsed);
  // z at which P(X > x) = (1 - q) * P(X > used); far out, P(Z > z + e) / P(Z > z) ~ exp(-z e).
  const zAt = (q: number) => (zUsed > FAR_TAIL_Z ? zUsed - Math.log(1 - q) / zUsed : -normalQuantile((1 - q) * survival));
  const at = (q: number) => Math.max(usedMs * Math.expm1(d.sigma * (zAt(q) - zUsed)), floor);
  const p50 = at(0.5);
  return { p50, p90: Math.max(at(0.9), p50) };
}

/** Mean and variance of a sum of independent durations. */
export interface Moments {
  mean: number;
  variance: number;
}
export const NO_MOMENTS: Moments = { mean: 0, variance: 0 };

/** Moments of the log-normal through these quantiles. */
export function momentsOf(q: Quantiles): Moments {
  if (q.p50 <= 0) return NO_MOMENTS;
  const s = Math.log(Math.max(q.p90, q.p50) / q.p50) / Z90;
  const mean = q.p50 * Math.exp((s * s) / 2);
  return { mean, variance: mean * mean * Math.expm1(s * s) };
}

export const addMoments = (a: Moments, b: Moments): Moments => ({ mean: a.mean + b.mean, variance: a.variance + b.variance });

/**
 * Quantiles of a sum of independent steps (Fenton-Wilkinson: a log-normal with the sum's mean and
 * variance). Summing per-step p90s instead would assume every step is slow at once - far too gloomy.
 */
export function quantilesOfSum(m: Moments): Quantiles {
  if (m.mean <= 0) return { p50: 0, p90: 0 };
  const s2 = Math.log1p(m.variance / (m.mean * m.mean));
  const mu = Math.log(m.mean) - s2 / 2;
  return { p50: Math.exp(mu), p90: Math.exp(mu + Z90 * Math.sqrt(s2)) };
}
