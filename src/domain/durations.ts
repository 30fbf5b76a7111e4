/**
 * A duration as people read it in messages, precise enough not to mislead: "850 ms", "2.6 s"
 * (one decimal under a minute), "4 min 5 s", "2 h 10 min". 2,603 ms against 2,500 reads "2.6 s"
 * against "2.5 s", never "3 s" against "3 s".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (Math.round(ms) < 1_000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${tenths / 10} s`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 3_600) return joined(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  const minutes = Math.round(ms / 60_000);
  return joined(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
}

const joined = (major: number, majorUnit: string, minor: number, minorUnit: string) =>
  minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
