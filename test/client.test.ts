import { beforeAll, describe, expect, it } from 'vitest';
import { createRunwatchClient, RunwatchError } from '../src/client/index.js';
import { startServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { RUNWATCH_ADMIN_KEY: 'c'.repeat(32) } });
});

/** A fetch that fails the first `failures` calls the way a dropped connection does. */
function flakyFetch(failures: number, status?: number) {
  let calls = 0;
  const counted = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls++;
    if (calls <= failures) {
      if (status) return new Response('unavailable', { status });
      throw new TypeError('fetch failed: connection reset');
    }
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: counted, calls: () => calls };
}

describe('the engine client', () => {
  it('reports a whole lifecycle with one typed method per mutation', async () => {
    const client = createRunwatchClient({ url: server.url, apiKey: 'c'.repeat(32) });
    const execution = await client.createExecution({ workflow: 'client', externalId: 'client-1', steps: [{ name: 'a', type: 'http' }], queued: true });
    expect(execution.status).toBe('QUEUED');
    await client.startExecution(execution.id);
    const stepId = execution.steps[0]!.id;
    await client.startStep(stepId);
    expect((await client.reportStepProgress(stepId, 50, 'half')).progressPercent).toBe(50);
    expect((await client.completeStep(stepId)).status).toBe('COMPLETED');
    expect((await client.completeExecution(execution.id)).status).toBe('COMPLETED');
  });

  it('sends a batch with ingest: one typed result per command, in order', async () => {
    const client = createRunwatchClient({ url: server.url, apiKey: 'c'.repeat(32) });
    const [created] = await client.ingest([{ createExecution: { workflow: 'client', steps: [{ name: 'a', type: 'http' }] } }]);
    const execution = created!.execution!;
    const stepId = execution.steps[0]!.id;
    const results = await client.ingest([
      { startExecution: { id: execution.id } },
      { startStep: { stepId } },
      { reportStepProgress: { stepId, percent: 150 } },
      { reportStepProgress: { stepId, percent: 50, message: 'half' } },
    ]);
    expect(results.map((r) => r.error?.code ?? r.step?.progressPercent ?? r.execution?.status)).toEqual(['RUNNING', 0, 'BAD_USER_INPUT', 50]);
  });

  it('retries network failures and 503s with backoff, and a retried create stays one execution', async () => {
    const network = flakyFetch(2);
    const client = createRunwatchClient({ url: server.url, apiKey: 'c'.repeat(32), fetch: network.fetch, baseDelayMs: 1 });
    const first = await client.createExecution({ workflow: 'client', externalId: 'client-2', steps: [] });
    expect(network.calls()).toBe(3);
    const unavailable = flakyFetch(1, 503);
    const again = createRunwatchClient({ url: server.url, apiKey: 'c'.repeat(32), fetch: unavailable.fetch, baseDelayMs: 1 });
    expect((await again.createExecution({ workflow: 'client', externalId: 'client-2', steps: [] })).id).toBe(first.id);
    expect(unavailable.calls()).toBe(2);
    expect((await again.executionByExternalId('client-2'))?.id).toBe(first.id);
    expect(await again.executionByExternalId('client-2', 'elsewhere')).toBeNull();
  });

  it('gives up after its retries, and surfaces API errors with their stable code without retrying', async () => {
    const down = flakyFetch(10);
    const client = createRunwatchClient({ url: server.url, fetch: down.fetch, retries: 2, baseDelayMs: 1 });
    await expect(client.startExecution('x')).rejects.toThrow('connection reset');
    expect(down.calls()).toBe(3);

    const keyed = createRunwatchClient({ url: server.url, apiKey: 'c'.repeat(32) });
    const error = await keyed.startExecution('not-an-id').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunwatchError);
    expect((error as RunwatchError).code).toBe('BAD_USER_INPUT');
  });

  it('sends its API key: without one a protected server refuses', async () => {
    const anonymous = createRunwatchClient({ url: server.url, retries: 0 });
    const error = await anonymous.createExecution({ workflow: 'x', steps: [] }).catch((e: unknown) => e);
    expect((error as RunwatchError).code).toBe('UNAUTHENTICATED');
  });
});
