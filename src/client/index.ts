import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import * as documents from './documents.js';
import type { CreateExecutionInput, IngestCommand } from './gql/graphql.js';

export type { CreateExecutionInput, IngestCommand };

export interface RunwatchClientOptions {
  /** The API's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  apiKey?: string;
  /** Attempts after the first on network errors, 502/503/504, RATE_LIMITED and UNAVAILABLE (default 5). */
  retries?: number;
  /** First backoff delay; doubles each attempt, with jitter (default 200 ms). */
  baseDelayMs?: number;
  fetch?: typeof fetch;
}

/** A GraphQL error from the API, with its stable `extensions.code`. */
export class RunwatchError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[],
  ) {
    super(message);
    this.name = 'RunwatchError';
  }
}

const retryableStatus = new Set([502, 503, 504]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A typed client for execution engines: one method per engine mutation, `ingest` for batches, and
 * `executionByExternalId` to find a run by the engine's own id.
 * Network failures are retried with exponential backoff, which is safe because every mutation is
 * idempotent (a repeat whose effect already holds changes nothing); give createExecution an
 * `externalId` to make it idempotent too.
 */
export function createRunwatchClient(options: RunwatchClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const printed = new WeakMap<object, string>();

  async function request<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    let query = printed.get(document);
    if (!query) printed.set(document, (query = print(document)));
    const body = JSON.stringify({ query, variables });
    for (let attempt = 0; ; attempt++) {
      const backoff = baseDelayMs * 2 ** attempt * (0.5 + Math.random());
      let response: Response;
      try {
        response = await doFetch(options.url, { method: 'POST', headers, body });
      } catch (error) {
        if (attempt >= retries) throw error;
        await sleep(backoff);
        continue;
      }
      if (retryableStatus.has(response.status) && attempt < retries) {
        await sleep(backoff);
        continue;
      }
      const result = (await response.json()) as { data?: R; errors?: RunwatchError['errors'] };
      const first = result.errors?.[0];
      if (!first) return result.data as R;
      const code = String(first.extensions?.code ?? 'INTERNAL');
      if ((code === 'RATE_LIMITED' || code === 'UNAVAILABLE') && attempt < retries) {
        await sleep(Number(first.extensions?.retryAfterMs ?? backoff));
        continue;
      }
      throw new RunwatchError(first.message, code, result.errors!);
    }
  }

  return {
    request,
    createExecution: async (input: CreateExecutionInput) =>
      (await request(documents.CreateExecution, { input })).createExecution,
    /** The execution created with this `externalId` (in `namespace`, "default" when left out); null when there is none. */
    executionByExternalId: async (externalId: string, namespace?: string) =>
      (await request(documents.ExecutionByExternalId, { externalId, namespace })).executionByExternalId,
    queueExecution: async (id: string) => (await request(documents.QueueExecution, { id })).queueExecution,
    startExecution: async (id: string) => (await request(documents.StartExecution, { id })).startExecution,
    completeExecution: async (id: string) => (await request(documents.CompleteExecution, { id })).completeExecution,
    failExecution: async (id: string, error: string) => (await request(documents.FailExecution, { id, error })).failExecution,
    cancelExecution: async (id: string, reason?: string) =>
      (await request(documents.CancelExecution, { id, reason })).cancelExecution,
    timeoutExecution: async (id: string) => (await request(documents.TimeoutExecution, { id })).timeoutExecution,
    startStep: async (stepId: string) => (await request(documents.StartStep, { stepId })).startStep,
    reportStepProgress: async (stepId: string, percent: number, message?: string) =>
      (await request(documents.ReportStepProgress, { stepId, percent, message })).reportStepProgress,
    completeStep: async (stepId: string) => (await request(documents.CompleteStep, { stepId })).completeStep,
    failStep: async (stepId: string, error: string, retry = false) =>
      (await request(documents.FailStep, { stepId, error, retry })).failStep,
    skipStep: async (stepId: string, reason?: string) => (await request(documents.SkipStep, { stepId, reason })).skipStep,
    requestApproval: async (stepId: string, approvers?: string[], message?: string) =>
      (await request(documents.RequestApproval, { stepId, approvers, message })).requestApproval,
    approveStep: async (stepId: string, by: string, comment?: string) =>
      (await request(documents.ApproveStep, { stepId, by, comment })).approveStep,
    rejectStep: async (stepId: string, by: string, comment?: string) =>
      (await request(documents.RejectStep, { stepId, by, comment })).rejectStep,
    /**
     * Several commands in one request and one transaction, applied in order; one result each, in
     * order, with `ok` and the command's `error` when it changed nothing.
     */
    ingest: async (commands: IngestCommand[]) => (await request(documents.Ingest, { commands })).ingest,
  };
}

export type RunwatchClient = ReturnType<typeof createRunwatchClient>;
