// Plain JavaScript, shared by bench/ingest.ts and its worker (bench/ingest-client.mjs).
// N whole lifecycles the way a batching engine sends them: one batch creates the N executions, then
// each batch carries the next commands of all N (start and first step; then per step its progress,
// completion and the next step's start, or the execution's completion after the last).

export const CREATE = 'mutation($c: [IngestCommand!]!) { ingest(commands: $c) { ok error { code message } execution { id steps { id } } } }';
export const FOLLOW = 'mutation($c: [IngestCommand!]!) { ingest(commands: $c) { ok error { code message } } }';

export const creates = (n, steps, workflow) =>
  Array.from({ length: n }, () => ({
    createExecution: { workflow, namespace: 'bench', steps: Array.from({ length: steps }, (_, i) => ({ name: `s${i}`, type: 'script' })) },
  }));

export function followingBatches(executions) {
  const batches = [executions.flatMap((e) => [{ startExecution: { id: e.id } }, { startStep: { stepId: e.steps[0].id } }])];
  const steps = executions[0].steps.length;
  for (let i = 0; i < steps; i++) {
    batches.push(
      executions.flatMap((e) => [
        { reportStepProgress: { stepId: e.steps[i].id, percent: 50 } },
        { completeStep: { stepId: e.steps[i].id } },
        i + 1 < steps ? { startStep: { stepId: e.steps[i + 1].id } } : { completeExecution: { id: e.id } },
      ]),
    );
  }
  return batches;
}

/** The results of one batch, or an error naming the first command that failed. */
export function okResults(data) {
  const failed = data.ingest.find((r) => !r.ok);
  if (failed) throw new Error(`a batched command failed: ${JSON.stringify(failed.error)}`);
  return data.ingest;
}
