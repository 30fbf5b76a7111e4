// Types for bench/lifecycle-batches.mjs (plain JavaScript so that worker threads can load it).
type Command = Record<string, unknown>;
interface Created {
  id: string;
  steps: { id: string }[];
}

export declare const CREATE: string;
export declare const FOLLOW: string;
export declare function creates(n: number, steps: number, workflow: string): Command[];
export declare function followingBatches(executions: Created[]): Command[][];
export declare function okResults<R extends { ok: boolean }>(data: { ingest: R[] }): R[];
