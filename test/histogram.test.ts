import { seededRandom } from '../src/domain/random.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addHistogramText,
  bucketOf,
  bucketValueMs,
  exactPercentile,
  histogramOf,
  histogramToSql,
  percentilesFromHistogram,
  RELATIVE_ERROR_BOUND,
} from '../src/domain/histogram.js';
import type { RollupDelta } from '../src/domain/metrics.js';
import { writeRollups } from '../src/db/rollups.js';
import { startServer } from './harness.js';

function normal(rng: () => number) {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Durations in whole milliseconds, like the ones the write path records. */
const distributions: Record<string, (rng: () => number) => number> = {
  uniform: (rng) => Math.round(1 + rng() * 120_000),
  lognormal: (rng) => Math.round(Math.exp(Math.log(4_000) + 1.3 * normal(rng))),
  bimodal: (rng) => Math.max(0, Math.round(rng() < 0.7 ? 250 + 60 * normal(rng) : 45_000 + 8_000 * normal(rng))),
  heavyTail: (rng) => Math.round(100 / Math.pow(1 - rng(), 1.5)),
};
const QS = [0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];
let maxSeen = 0;
const relativeError = (estimate: number, exact: number) => (exact === 0 ? Math.abs(estimate) : Math.abs(estimate - exact) / exact);

afterAll(() => {
  console.log(`histogram: stated bound ${(RELATIVE_ERROR_BOUND * 100).toFixed(3)} %, max measured ${(maxSeen * 100).toFixed(3)} %`);
});

describe('log-scale histogram', () => {
  it('keeps every bucket value within the bound of every duration in it', () => {
    for (let v = 1; v < 1e10; v *= 1.0007) {
      const rounded = Math.round(v);
      const estimate = bucketValueMs(bucketOf(rounded));
      expect(relativeError(estimate, rounded)).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND + 1e-12);
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketValueMs(0)).toBe(0);
  });

  it('round-trips through Postgres array text, with and without explicit bounds', () => {
    const h = histogramOf([0, 1, 5, 5, 1_000, 70_000]);
    expect(addHistogramText(new Map(), histogramToSql(h))).toEqual(h);
    expect(addHistogramText(new Map(), '{3,NULL,4}')).toEqual(new Map([[1, 3], [3, 4]]));
    expect(addHistogramText(new Map(), '{}')).toEqual(new Map());
  });

  for (const [name, draw] of Object.entries(distributions)) {
    for (const n of [7, 200, 20_000]) {
      it(`stays within ${(RELATIVE_ERROR_BOUND * 100).toFixed(2)} % of exact percentile_cont: ${name}, n=${n}`, () => {
        const rng = seededRandom(n * 31 + name.length);
        const values = Array.from({ length: n }, () => draw(rng));
        const estimates = percentilesFromHistogram(histogramOf(values), QS, Math.min(...values), Math.max(...values));
        for (const [i, q] of QS.entries()) {
          const exact = exactPercentile(values, q)!;
          const error = relativeError(estimates[i]!, exact);
          maxSeen = Math.max(maxSeen, error);
          expect(error, `q=${q} exact=${exact} estimate=${estimates[i]}`).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND + 1e-12);
        }
      });
    }
  }

  it('holds through the database: rollups merged by concurrent upserts, read back by metrics', async () => {
    const server = await startServer();
    const db = server.app.database.db;
    const createdAt = new Date('2026-02-10T10:20:30.000Z');
    const all: Record<string, number[]> = {};
    for (const [name, draw] of Object.entries(distributions)) {
      const rng = seededRandom(name.length * 97);
      const values: number[] = [];
      // many small deltas, several in flight at once, the way concurrent transactions write them
      const deltas: RollupDelta[] = [];
      for (let i = 0; i < 60; i++) {
        const durations = Array.from({ length: 1 + Math.floor(rng() * 20) }, () => draw(rng));
        values.push(...durations);
        deltas.push({
          namespace: name,
          workflow: 'w',
          createdAt: new Date(createdAt.getTime() + Math.floor(rng() * 3) * 3_600_000),
          execution: {
            total: durations.length, completed: durations.length, failed: 0, cancelled: 0, timedOut: 0,
            durations, queueTimes: [], slaTracked: 0, slaViolations: 0,
          },
          steps: [],
        });
      }
      for (let i = 0; i < deltas.length; i += 6) {
        await Promise.all(deltas.slice(i, i + 6).map((d) => db.transaction((tx) => writeRollups(tx as never, [d]))));
      }
      all[name] = values;
    }
    for (const [name, values] of Object.entries(all)) {
      const m = await server.app.services.metrics.executionMetrics(
        { from: new Date('2026-02-10T00:00:00Z'), to: new Date('2026-02-11T00:00:00Z'), namespace: name, exact: false },
        null,
      );
      expect(m.total).toBe(values.length);
      expect(m.duration.count).toBe(values.length);
      expect(m.duration.minMs).toBe(Math.min(...values));
      expect(m.duration.maxMs).toBe(Math.max(...values));
      for (const [q, got] of [[0.5, m.duration.p50Ms], [0.95, m.duration.p95Ms], [0.99, m.duration.p99Ms]] as const) {
        const exact = exactPercentile(values, q)!;
        const error = relativeError(got!, exact);
        maxSeen = Math.max(maxSeen, error);
        expect(error, `${name} q=${q}`).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND + 1e-12);
      }
    }
  });
});
