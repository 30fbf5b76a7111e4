/**
 * The fixed log-scale duration histogram kept in the metric rollups.
 *
 * Bucket 0 holds durations below 1 ms (durations are whole milliseconds, so in practice exactly 0).
 * Bucket i >= 1 holds [GROWTH^(i-1), GROWTH^i) ms; the last bucket also takes everything above.
 * A bucket stands for the value 2·GROWTH^i / (1 + GROWTH), whose distance to any value in the
 * bucket is at most (GROWTH - 1) / (GROWTH + 1) of that value. A percentile is read like
 * percentile_cont (linear interpolation between the two ranks around q·(n-1)), each rank replaced
 * by its bucket's value, then clamped to the exact min and max. Both ranks are off by at most that
 * fraction, so the interpolation is too:
 *
 *   |rollup percentile - exact percentile| <= RELATIVE_ERROR_BOUND · exact percentile   (≈ 2.44 %)
 *
 * for durations from 1 ms up to GROWTH^(MAX_BUCKET-1) ms (about 3 years).
 */
export const GROWTH = 1.05;
export const RELATIVE_ERROR_BOUND = (GROWTH - 1) / (GROWTH + 1);
export const MAX_BUCKET = 520;
const LOG_GROWTH = Math.log(GROWTH);

/** The bucket a duration in milliseconds falls in. */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(MAX_BUCKET, 1 + Math.floor(Math.log(ms) / LOG_GROWTH));
}

/** The value that stands for every duration in bucket `i`. */
export const bucketValueMs = (i: number) => (i <= 0 ? 0 : (2 * GROWTH ** i) / (1 + GROWTH));

/** Bucket counts, sparse: index -> count. */
export type Histogram = Map<number, number>;

export function addToHistogram(into: Histogram, from: Histogram | Iterable<readonly [number, number]>) {
  for (const [i, c] of from) if (c) into.set(i, (into.get(i) ?? 0) + c);
  return into;
}

export function histogramOf(durations: Iterable<number>): Histogram {
  const h: Histogram = new Map();
  for (const d of durations) {
    const i = bucketOf(d);
    h.set(i, (h.get(i) ?? 0) + 1);
  }
  return h;
}

/**
 * Percentiles (q in 0..1) from bucket counts, percentile_cont style; `min`/`max` are the exact
 * extremes, which clamp the answer. Null when the histogram is empty.
 */
export function percentilesFromHistogram(h: Histogram, qs: readonly number[], min: number | null, max: number | null): (number | null)[] {
  const dense = denseHistogram();
  for (const [i, c] of h) if (c > 0) dense[Math.min(i, MAX_BUCKET)]! += c;
  return percentilesFromDense(dense, qs, min, max);
}

/** The same from a dense histogram. */
export function percentilesFromDense(dense: DenseHistogram, qs: readonly number[], min: number | null, max: number | null): (number | null)[] {
  let n = 0;
  let last = 0;
  for (let i = 0; i < dense.length; i++) {
    if (dense[i]! > 0) {
      n += dense[i]!;
      last = i;
    }
  }
  if (n === 0) return qs.map(() => null);
  const valueAtRank = (rank: number) => {
    if (rank === 0 && min !== null) return min;
    if (rank === n - 1 && max !== null) return max;
    let seen = 0;
    for (let i = 0; i <= last; i++) {
      seen += dense[i]!;
      if (rank < seen) return bucketValueMs(i);
    }
    return bucketValueMs(last);
  };
  return qs.map((q) => {
    const position = q * (n - 1);
    const lo = Math.floor(position);
    const hi = Math.ceil(position);
    const a = valueAtRank(lo);
    const b = hi === lo ? a : valueAtRank(hi);
    let value = a + (position - lo) * (b - a);
    if (min !== null) value = Math.max(min, value);
    if (max !== null) value = Math.min(max, value);
    return value;
  });
}

/** Exact percentile_cont over raw values (the reference the rollups are held to). */
export function exactPercentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Postgres array text for a histogram, with explicit bounds: `[3:5]={1,NULL,2}`. */
export function histogramToSql(h: Histogram): string {
  const indexes = [...h.entries()].filter(([, c]) => c > 0).map(([i]) => i);
  if (indexes.length === 0) return '{}';
  const lo = Math.min(...indexes);
  const hi = Math.max(...indexes);
  const cells: string[] = [];
  for (let i = lo; i <= hi; i++) cells.push(h.get(i) ? String(h.get(i)) : 'NULL');
  return `[${lo}:${hi}]={${cells.join(',')}}`;
}

/** Bucket counts, dense: element i is the count of bucket i (for fast merging of many rows). */
export type DenseHistogram = Float64Array;
export const denseHistogram = (): DenseHistogram => new Float64Array(MAX_BUCKET + 1);

export function denseToHistogram(dense: DenseHistogram): Histogram {
  const h: Histogram = new Map();
  for (let i = 0; i < dense.length; i++) if (dense[i]) h.set(i, dense[i]!);
  return h;
}

/**
 * Adds Postgres' text output of integer[] histograms (with or without explicit bounds, e.g.
 * `[3:5]={1,NULL,2}` or `{1,2}`; several joined by ';') into a dense histogram. A hand-rolled scan: a wide timeseries
 * merges tens of thousands of these per request.
 */
export function addHistogramTextDense(into: DenseHistogram, text: string | null | undefined): DenseHistogram {
  if (!text) return into;
  let k = 0;
  while (k < text.length) {
    let i = 1;
    if (text.charCodeAt(k) === 91 /* [ */) {
      i = Number(text.slice(k + 1, text.indexOf(':', k)));
      k = text.indexOf('=', k) + 1;
    }
    let n = 0;
    for (k = k + 1; k < text.length; k++) {
      const ch = text.charCodeAt(k);
      if (ch >= 48 && ch <= 57) n = n * 10 + (ch - 48);
      else if (ch === 44 /* , */ || ch === 125 /* } */) {
        if (n) into[Math.min(i, MAX_BUCKET)]! += n;
        i++;
        n = 0;
        if (ch === 125) break;
      }
    }
    k += 2; // past "}" and the ";" joining the next array
  }
  return into;
}

/** The same into a sparse histogram. */
export function addHistogramText(into: Histogram, text: string | null | undefined): Histogram {
  return addToHistogram(into, denseToHistogram(addHistogramTextDense(denseHistogram(), text)));
}

// ---- durations summed from rollup rows and raw values ---------------------------------------------

/** count/avg/min/max and percentiles of the durations in a window. */
export interface DurationSummary {
  count: number;
  avgMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** One duration of rollup rows: count, sum, extremes and the histograms as Postgres prints integer[] (several joined by ';'). */
export interface RollupDurations {
  count: number;
  sumMs: number;
  minMs: number | null;
  maxMs: number | null;
  histogram: string | null;
}

/** count/sum/min/max plus a histogram of durations, merged from rollup rows and raw values. */
export class DurationAccumulator {
  count = 0;
  sumMs = 0;
  minMs: number | null = null;
  maxMs: number | null = null;
  /** Allocated on first use: a timeseries keeps two per bucket and fills only the duration one. */
  private dense: DenseHistogram | null = null;

  addRollup(r: RollupDurations) {
    if (!r.count) return;
    this.addSummed(r.count, r.sumMs, r.minMs, r.maxMs);
    if (r.histogram) addHistogramTextDense((this.dense ??= denseHistogram()), r.histogram);
  }

  addValues(values: readonly number[]) {
    for (const v of values) {
      this.addSummed(1, v, v, v);
      (this.dense ??= denseHistogram())[bucketOf(v)]! += 1;
    }
  }

  private addSummed(count: number, sum: number, min: number | null, max: number | null) {
    this.count += count;
    this.sumMs += sum;
    if (min !== null) this.minMs = this.minMs === null ? min : Math.min(this.minMs, min);
    if (max !== null) this.maxMs = this.maxMs === null ? max : Math.max(this.maxMs, max);
  }

  percentiles(qs: number[]) {
    return this.dense ? percentilesFromDense(this.dense, qs, this.minMs, this.maxMs) : qs.map(() => null);
  }

  summary(): DurationSummary {
    const [p50, p95, p99] = this.percentiles([0.5, 0.95, 0.99]);
    return {
      count: this.count,
      avgMs: this.count ? this.sumMs / this.count : null,
      minMs: this.minMs,
      maxMs: this.maxMs,
      p50Ms: p50 ?? null,
      p95Ms: p95 ?? null,
      p99Ms: p99 ?? null,
    };
  }

  /** The bucket counts, sparse. */
  histogram(): Histogram {
    return this.dense ? denseToHistogram(this.dense) : new Map();
  }
}
