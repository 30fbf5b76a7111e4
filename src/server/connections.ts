/**
 * How long each consumer (a socket, a stream) has been stuck, counted only over time this process
 * was itself running. While the event loop is blocked (a long PGlite statement, a GC pause, a
 * starved CPU) no client can drain, and after such a pause timers run before the I/O callbacks
 * that would show the progress, so each check credits at most one interval of stall.
 */
export function createStallMeter(intervalMs: number) {
  let lastCheck = performance.now();
  const stalledMs = new WeakMap<object, number>();
  return {
    intervalMs,
    /** Starts a round of checks; returns the time to credit to each stuck consumer. */
    startRound(): number {
      const now = performance.now();
      const elapsed = Math.min(now - lastCheck, intervalMs);
      lastCheck = now;
      return elapsed;
    },
    /** The consumer's stall so far: grown by `elapsed` while stuck, zero once it is not. */
    observe(consumer: object, stuck: boolean, elapsed: number): number {
      const stalled = stuck ? (stalledMs.get(consumer) ?? 0) + elapsed : 0;
      stalledMs.set(consumer, stalled);
      return stalled;
    },
  };
}
