import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ApproveStep,
  CancelExecution,
  CompleteExecution,
  CompleteStep,
  CreateExecution,
  FailExecution,
  FailStep,
  GetExecution,
  GetNode,
  ListEvents,
  ListExecutions,
  QueueExecution,
  RejectStep,
  ReportStepProgress,
  RequestApproval,
  SkipStep,
  StartExecution,
  StartStep,
  TimeoutExecution,
} from './documents.js';
import { createExecution, runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import { errorCodes, eventually, onPostgres, startServer, type GraphQLResponse, type TestServer } from './harness.js';

/**
 * Illegal transitions, idempotent repeats, unknown / malformed ids and bad input, end to end through
 * the real server. Every refused request must leave the execution and its event log untouched, and no
 * error may ever come back as INTERNAL.
 */

const TransitionsSnapshot = graphql(`
  query TransitionsSnapshot($id: ID!) {
    execution(id: $id) {
      id status error queuedAt startedAt finishedAt
      steps { id status attempt progressPercent message error startedAt finishedAt }
      events(first: 500) { edges { node { seq type stepId } } pageInfo { hasNextPage } }
    }
  }
`);

const TransitionsCountExecutions = graphql(`
  query TransitionsCountExecutions {
    executions(first: 500) { edges { node { id } } pageInfo { hasNextPage } }
  }
`);

let server: TestServer;
/** A running step whose progress reports serve as write barriers for the event log (see `settle`). */
let barrier: { executionId: string; stepId: string; count: number; cursor: string | null };
beforeAll(async () => {
  server = await startServer();
  const created = await runningExecution(server, { stepCount: 1, namespace: 'barrier' });
  await server.data(StartStep, { stepId: created.steps[0]!.id });
  barrier = { executionId: created.id, stepId: created.steps[0]!.id, count: 0, cursor: null };
});

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
const rawId = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1]!;

/** `server.request`, asserting that no error is ever INTERNAL. */
async function send<T, V>(document: TypedDocumentNode<T, V> | string, variables?: V): Promise<GraphQLResponse<T>> {
  const result = await server.request(document, variables);
  expect(errorCodes(result), JSON.stringify(result.errors)).not.toContain('INTERNAL');
  return result;
}

async function ok<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T> {
  const result = await send(document, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

/**
 * Waits until every write committed so far is visible in the event log. Event reads only return
 * "stable" events (tx id below the snapshot's xmin), so on Postgres an event can show up a little after
 * the mutation that wrote it returned, while any other transaction in the cluster is still open. A
 * fresh write has a newer tx id than everything committed before it: once it is visible, so is the rest.
 */
async function settle() {
  if (!onPostgres) return; // PGlite has one connection: nothing is ever in flight next to a read.
  const message = `barrier-${++barrier.count}`;
  await ok(ReportStepProgress, { stepId: barrier.stepId, percent: 50, message });
  await eventually(
    async () => {
      const page = await ok(ListEvents, {
        filter: { executionId: barrier.executionId, types: ['STEP_PROGRESS'] },
        after: barrier.cursor,
        first: 500,
      });
      const hit = page.events.edges.find((e) => (e.node.data as { message?: string }).message === message);
      if (hit) barrier.cursor = hit.cursor;
      return hit;
    },
    10_000,
    'the event log to catch up',
  );
}

/** Everything a write can change: state of the execution and its steps, and the (settled) event log. */
async function snapshot(executionId: string) {
  await settle();
  const { execution } = await ok(TransitionsSnapshot, { id: executionId });
  expect(execution).not.toBeNull();
  expect(execution!.events.pageInfo.hasNextPage).toBe(false);
  return execution!;
}

const eventCount = async (executionId: string) => (await snapshot(executionId)).events.edges.length;

async function executionCount() {
  const { executions } = await ok(TransitionsCountExecutions);
  expect(executions.pageInfo.hasNextPage).toBe(false);
  return executions.edges.length;
}

/** A running execution with `stepCount` steps; returns its id and step ids. */
async function running(stepCount = 3) {
  const execution = await runningExecution(server, { stepCount });
  return { id: execution.id, steps: execution.steps.map((s) => s.id) };
}

type AnyResponse = GraphQLResponse<unknown>;

// ---------------------------------------------------------------------------------------------
// Illegal transitions: refused with a stable code, and nothing changes
// ---------------------------------------------------------------------------------------------

interface RefusalCase {
  name: string;
  code: 'INVALID_TRANSITION' | 'BAD_USER_INPUT';
  /** Builds the state; returns the execution to watch and the request that must be refused. */
  arrange: () => Promise<{ executionId: string; attempt: () => Promise<AnyResponse> }>;
}

const refusals: RefusalCase[] = [
  {
    name: 'completing a step of a cancelled execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      await ok(CancelExecution, { id, reason: 'stop' });
      return { executionId: id, attempt: () => send(CompleteStep, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'starting a step of a cancelled execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(CancelExecution, { id });
      return { executionId: id, attempt: () => send(StartStep, { stepId: steps[1]! }) };
    },
  },
  {
    name: 'reporting progress on a step of a failed execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      await ok(FailExecution, { id, error: 'engine died' });
      return { executionId: id, attempt: () => send(ReportStepProgress, { stepId: steps[0]!, percent: 50 }) };
    },
  },
  {
    name: 'skipping a completed step of a completed execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running(2);
      await ok(StartStep, { stepId: steps[0]! });
      await ok(CompleteStep, { stepId: steps[0]! });
      await ok(CompleteExecution, { id });
      return { executionId: id, attempt: () => send(SkipStep, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'starting a step that was skipped when its execution completed',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running(2);
      await ok(CompleteExecution, { id });
      return { executionId: id, attempt: () => send(StartStep, { stepId: steps[1]! }) };
    },
  },
  {
    name: 'requesting approval on a step of a timed-out execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      await ok(TimeoutExecution, { id });
      return { executionId: id, attempt: () => send(RequestApproval, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'approving a gate of a cancelled execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(RequestApproval, { stepId: steps[0]! });
      await ok(CancelExecution, { id });
      return { executionId: id, attempt: () => send(ApproveStep, { stepId: steps[0]!, by: 'alice' }) };
    },
  },
  {
    name: 'starting a completed step',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      await ok(CompleteStep, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(StartStep, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'completing a pending step',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      return { executionId: id, attempt: () => send(CompleteStep, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'reporting progress on a pending step',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      return { executionId: id, attempt: () => send(ReportStepProgress, { stepId: steps[0]!, percent: 10 }) };
    },
  },
  {
    name: 'skipping a running step',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(SkipStep, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'retrying a step that never ran',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      return { executionId: id, attempt: () => send(FailStep, { stepId: steps[0]!, error: 'x', retry: true }) };
    },
  },
  {
    name: 'failing a completed step',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      await ok(CompleteStep, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(FailStep, { stepId: steps[0]!, error: 'late' }) };
    },
  },
  {
    name: 'approving a step that is not waiting for approval',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(ApproveStep, { stepId: steps[0]!, by: 'alice' }) };
    },
  },
  {
    name: 'rejecting an approved step',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(RequestApproval, { stepId: steps[0]! });
      await ok(ApproveStep, { stepId: steps[0]!, by: 'alice' });
      return { executionId: id, attempt: () => send(RejectStep, { stepId: steps[0]!, by: 'bob' }) };
    },
  },
  {
    name: 'approving a rejected step',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(RequestApproval, { stepId: steps[0]! });
      await ok(RejectStep, { stepId: steps[0]!, by: 'bob' });
      return { executionId: id, attempt: () => send(ApproveStep, { stepId: steps[0]!, by: 'alice' }) };
    },
  },
  {
    name: 'requesting approval on a completed step',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      await ok(CompleteStep, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(RequestApproval, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'starting a step before its execution starts',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const created = await createExecution(server, { stepCount: 2 });
      return { executionId: created.id, attempt: () => send(StartStep, { stepId: created.steps[0]!.id }) };
    },
  },
  {
    name: 'completing an execution while a step runs',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[1]! });
      return { executionId: id, attempt: () => send(CompleteExecution, { id }) };
    },
  },
  {
    name: 'completing an execution while it waits for approval',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(RequestApproval, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(CompleteExecution, { id }) };
    },
  },
  {
    name: 'completing an execution that never started',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const created = await createExecution(server, { queued: true });
      return { executionId: created.id, attempt: () => send(CompleteExecution, { id: created.id }) };
    },
  },
  {
    name: 'queueing a running execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id } = await running();
      return { executionId: id, attempt: () => send(QueueExecution, { id }) };
    },
  },
  {
    name: 'queueing a cancelled execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const created = await createExecution(server);
      await ok(CancelExecution, { id: created.id });
      return { executionId: created.id, attempt: () => send(QueueExecution, { id: created.id }) };
    },
  },
  {
    name: 'starting a completed execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id } = await running(0);
      await ok(CompleteExecution, { id });
      return { executionId: id, attempt: () => send(StartExecution, { id }) };
    },
  },
  {
    name: 'cancelling a completed execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id } = await running(1);
      await ok(CompleteExecution, { id });
      return { executionId: id, attempt: () => send(CancelExecution, { id, reason: 'too late' }) };
    },
  },
  {
    name: 'failing a cancelled execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id } = await running();
      await ok(CancelExecution, { id });
      return { executionId: id, attempt: () => send(FailExecution, { id, error: 'x' }) };
    },
  },
  {
    name: 'timing out a failed execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id } = await running();
      await ok(FailExecution, { id, error: 'x' });
      return { executionId: id, attempt: () => send(TimeoutExecution, { id }) };
    },
  },
  {
    name: 'completing a timed-out execution',
    code: 'INVALID_TRANSITION',
    arrange: async () => {
      const { id } = await running();
      await ok(TimeoutExecution, { id });
      return { executionId: id, attempt: () => send(CompleteExecution, { id }) };
    },
  },
  {
    name: 'reporting progress 140',
    code: 'BAD_USER_INPUT',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      await ok(ReportStepProgress, { stepId: steps[0]!, percent: 20, message: 'started' });
      return { executionId: id, attempt: () => send(ReportStepProgress, { stepId: steps[0]!, percent: 140 }) };
    },
  },
  {
    name: 'reporting progress -1',
    code: 'BAD_USER_INPUT',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(ReportStepProgress, { stepId: steps[0]!, percent: -1 }) };
    },
  },
  {
    name: 'failing an execution with a blank error',
    code: 'BAD_USER_INPUT',
    arrange: async () => {
      const { id } = await running();
      return { executionId: id, attempt: () => send(FailExecution, { id, error: '   ' }) };
    },
  },
  {
    name: 'failing a step with an empty error',
    code: 'BAD_USER_INPUT',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(FailStep, { stepId: steps[0]!, error: '' }) };
    },
  },
  {
    name: 'approving with an empty "by"',
    code: 'BAD_USER_INPUT',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(RequestApproval, { stepId: steps[0]! });
      return { executionId: id, attempt: () => send(ApproveStep, { stepId: steps[0]!, by: '' }) };
    },
  },
];

describe('illegal transitions are refused and change nothing', () => {
  it.each(refusals)('$name -> $code', async ({ code, arrange }) => {
    const { executionId, attempt } = await arrange();
    const before = await snapshot(executionId);

    const result = await attempt();
    expect(errorCodes(result)).toEqual([code]);
    expect(result.data ?? null).toBeNull();
    expect(result.errors![0]!.message).not.toMatch(/Unexpected error/);

    expect(await snapshot(executionId)).toEqual(before);
  });

  it('an INVALID_TRANSITION names the status that blocked it', async () => {
    const { id } = await running();
    const result = await send(QueueExecution, { id });
    expect(result.errors![0]).toMatchObject({
      message: expect.stringContaining('RUNNING'),
      extensions: { code: 'INVALID_TRANSITION', status: 'RUNNING' },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Idempotent repeats: the current state again, and no second event
// ---------------------------------------------------------------------------------------------

interface RepeatCase {
  name: string;
  /** The event the first call writes (exactly once). */
  event: string;
  /** Builds the state just before the mutation; returns the mutation to call twice. */
  arrange: () => Promise<{ executionId: string; stepId?: string; call: () => Promise<AnyResponse> }>;
}

const repeats: RepeatCase[] = [
  {
    name: 'queueExecution',
    event: 'EXECUTION_QUEUED',
    arrange: async () => {
      const created = await createExecution(server);
      return { executionId: created.id, call: () => send(QueueExecution, { id: created.id }) };
    },
  },
  {
    name: 'startExecution',
    event: 'EXECUTION_STARTED',
    arrange: async () => {
      const created = await createExecution(server, { queued: true });
      return { executionId: created.id, call: () => send(StartExecution, { id: created.id }) };
    },
  },
  {
    name: 'completeExecution',
    event: 'EXECUTION_COMPLETED',
    arrange: async () => {
      const { id } = await running();
      return { executionId: id, call: () => send(CompleteExecution, { id }) };
    },
  },
  {
    name: 'failExecution',
    event: 'EXECUTION_FAILED',
    arrange: async () => {
      const { id } = await running();
      return { executionId: id, call: () => send(FailExecution, { id, error: 'engine died' }) };
    },
  },
  {
    name: 'cancelExecution',
    event: 'EXECUTION_CANCELLED',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return { executionId: id, call: () => send(CancelExecution, { id, reason: 'operator' }) };
    },
  },
  {
    name: 'timeoutExecution',
    event: 'EXECUTION_TIMEOUT',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return { executionId: id, call: () => send(TimeoutExecution, { id }) };
    },
  },
  {
    name: 'startStep',
    event: 'STEP_STARTED',
    arrange: async () => {
      const { id, steps } = await running();
      return { executionId: id, stepId: steps[0]!, call: () => send(StartStep, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'reportStepProgress',
    event: 'STEP_PROGRESS',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return {
        executionId: id,
        stepId: steps[0]!,
        call: () => send(ReportStepProgress, { stepId: steps[0]!, percent: 33.3, message: 'a third' }),
      };
    },
  },
  {
    name: 'completeStep',
    event: 'STEP_COMPLETED',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return { executionId: id, stepId: steps[0]!, call: () => send(CompleteStep, { stepId: steps[0]! }) };
    },
  },
  {
    name: 'failStep',
    event: 'STEP_FAILED',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return { executionId: id, stepId: steps[0]!, call: () => send(FailStep, { stepId: steps[0]!, error: 'exit 1' }) };
    },
  },
  {
    name: 'failStep with retry',
    event: 'STEP_FAILED',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(StartStep, { stepId: steps[0]! });
      return {
        executionId: id,
        stepId: steps[0]!,
        call: () => send(FailStep, { stepId: steps[0]!, error: 'flaky', retry: true }),
      };
    },
  },
  {
    name: 'skipStep',
    event: 'STEP_SKIPPED',
    arrange: async () => {
      const { id, steps } = await running();
      return { executionId: id, stepId: steps[2]!, call: () => send(SkipStep, { stepId: steps[2]!, reason: 'not needed' }) };
    },
  },
  {
    name: 'requestApproval',
    event: 'APPROVAL_REQUESTED',
    arrange: async () => {
      const { id, steps } = await running();
      return {
        executionId: id,
        stepId: steps[0]!,
        call: () => send(RequestApproval, { stepId: steps[0]!, approvers: ['alice'], message: 'ok?' }),
      };
    },
  },
  {
    name: 'approveStep',
    event: 'APPROVAL_APPROVED',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(RequestApproval, { stepId: steps[0]! });
      return { executionId: id, stepId: steps[0]!, call: () => send(ApproveStep, { stepId: steps[0]!, by: 'alice', comment: 'go' }) };
    },
  },
  {
    name: 'rejectStep',
    event: 'APPROVAL_REJECTED',
    arrange: async () => {
      const { id, steps } = await running();
      await ok(RequestApproval, { stepId: steps[0]! });
      return { executionId: id, stepId: steps[0]!, call: () => send(RejectStep, { stepId: steps[0]!, by: 'bob', comment: 'no' }) };
    },
  },
];

const EXECUTION_KEYS = ['id', 'status', 'error', 'queuedAt', 'startedAt', 'finishedAt'] as const;
const STEP_KEYS = ['id', 'status', 'attempt', 'progressPercent', 'message', 'error', 'startedAt', 'finishedAt'] as const;
const pick = (value: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, value[k]]));

describe('repeating a mutation whose effect already holds', () => {
  it.each(repeats)('$name returns the current state and writes no second event', async ({ event, arrange }) => {
    const { executionId, stepId, call } = await arrange();
    const eventsBefore = await eventCount(executionId);

    const first = await call();
    expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
    const afterFirst = await snapshot(executionId);
    const written = afterFirst.events.edges.slice(eventsBefore).map((e) => e.node.type);
    expect(written).toEqual([event]);

    const second = await call();
    expect(second.errors, JSON.stringify(second.errors)).toBeUndefined();
    const afterSecond = await snapshot(executionId);
    expect(afterSecond).toEqual(afterFirst);

    const returned = Object.values(second.data as Record<string, Record<string, unknown>>)[0]!;
    if (stepId) {
      const current = afterSecond.steps.find((s) => s.id === stepId)!;
      expect(pick(returned, STEP_KEYS)).toEqual(pick(current, STEP_KEYS));
    } else {
      expect(pick(returned, EXECUTION_KEYS)).toEqual(pick(afterSecond, EXECUTION_KEYS));
      expect((returned.steps as { status: string }[]).map((s) => s.status)).toEqual(afterSecond.steps.map((s) => s.status));
    }
  });

  it('startExecution on an execution waiting for approval is a no-op and keeps it paused', async () => {
    const { id, steps } = await running();
    await ok(RequestApproval, { stepId: steps[0]! });
    const before = await snapshot(id);
    const again = await ok(StartExecution, { id });
    expect(again.startExecution.status).toBe('WAITING_APPROVAL');
    expect(await snapshot(id)).toEqual(before);
  });

  it('failExecution repeated with another message keeps the first error', async () => {
    const { id } = await running();
    await ok(FailExecution, { id, error: 'first' });
    const before = await snapshot(id);
    const again = await ok(FailExecution, { id, error: 'second' });
    expect(again.failExecution).toMatchObject({ status: 'FAILED', error: 'first' });
    expect(await snapshot(id)).toEqual(before);
  });

  it('a retried step keeps attempt 2 however often the retry is repeated', async () => {
    const { id, steps } = await running();
    await ok(StartStep, { stepId: steps[0]! });
    for (let i = 0; i < 3; i++) {
      const retried = await ok(FailStep, { stepId: steps[0]!, error: 'flaky', retry: true });
      expect(retried.failStep).toMatchObject({ status: 'PENDING', attempt: 2, error: 'flaky' });
    }
    const log = await snapshot(id);
    expect(log.events.edges.filter((e) => e.node.type === 'STEP_FAILED')).toHaveLength(1);
  });
});

describe('createExecution with an externalId', () => {
  const steps = [{ name: 'build', type: 'script' }];

  it('returns the same execution for the same externalId in the same namespace, without new events', async () => {
    const externalId = `ext-${randomUUID()}`;
    const first = await ok(CreateExecution, { input: { workflow: 'deploy', namespace: 'team-a', externalId, steps } });
    const second = await ok(CreateExecution, { input: { workflow: 'deploy', namespace: 'team-a', externalId, steps } });
    expect(second.createExecution.id).toBe(first.createExecution.id);
    expect(second.createExecution.steps.map((s) => s.id)).toEqual(first.createExecution.steps.map((s) => s.id));
    expect((await snapshot(first.createExecution.id)).events.edges.map((e) => e.node.type)).toEqual(['EXECUTION_CREATED']);
  });

  it('a repeat returns the current state, not the input of the repeat', async () => {
    const externalId = `ext-${randomUUID()}`;
    const first = await ok(CreateExecution, { input: { workflow: 'deploy', externalId, steps } });
    await ok(StartExecution, { id: first.createExecution.id });
    const repeat = await ok(CreateExecution, {
      input: { workflow: 'deploy', externalId, steps: [...steps, { name: 'extra', type: 'http' }], queued: true },
    });
    expect(repeat.createExecution).toMatchObject({
      id: first.createExecution.id,
      workflow: 'deploy',
      namespace: 'default',
      status: 'RUNNING',
    });
    expect(repeat.createExecution.steps).toHaveLength(1);
    expect(await eventCount(first.createExecution.id)).toBe(2);
  });

  it('creates a new execution for the same externalId in another namespace', async () => {
    const externalId = `ext-${randomUUID()}`;
    const a = await ok(CreateExecution, { input: { workflow: 'deploy', namespace: 'team-a', externalId, steps } });
    const b = await ok(CreateExecution, { input: { workflow: 'deploy', namespace: 'team-b', externalId, steps } });
    expect(b.createExecution.id).not.toBe(a.createExecution.id);
    expect(b.createExecution).toMatchObject({ namespace: 'team-b', externalId });
  });

  it('without an externalId, every call creates a new execution', async () => {
    const a = await ok(CreateExecution, { input: { workflow: 'deploy', steps } });
    const b = await ok(CreateExecution, { input: { workflow: 'deploy', steps } });
    expect(b.createExecution.id).not.toBe(a.createExecution.id);
  });

  it('concurrent creates with one externalId all return the one execution', async () => {
    const externalId = `ext-${randomUUID()}`;
    const before = await executionCount();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => send(CreateExecution, { input: { workflow: 'deploy', namespace: 'race', externalId, steps } })),
    );
    for (const result of results) expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    const ids = new Set(results.map((r) => r.data!.createExecution.id));
    expect(ids.size).toBe(1);
    expect(await executionCount()).toBe(before + 1);
    expect(await eventCount([...ids][0]!)).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Unknown and malformed ids
// ---------------------------------------------------------------------------------------------

const executionMutations = {
  queueExecution: (id: string) => send(QueueExecution, { id }),
  startExecution: (id: string) => send(StartExecution, { id }),
  completeExecution: (id: string) => send(CompleteExecution, { id }),
  failExecution: (id: string) => send(FailExecution, { id, error: 'x' }),
  cancelExecution: (id: string) => send(CancelExecution, { id }),
  timeoutExecution: (id: string) => send(TimeoutExecution, { id }),
};
const stepMutations = {
  startStep: (stepId: string) => send(StartStep, { stepId }),
  reportStepProgress: (stepId: string) => send(ReportStepProgress, { stepId, percent: 10 }),
  completeStep: (stepId: string) => send(CompleteStep, { stepId }),
  failStep: (stepId: string) => send(FailStep, { stepId, error: 'x' }),
  skipStep: (stepId: string) => send(SkipStep, { stepId }),
  requestApproval: (stepId: string) => send(RequestApproval, { stepId }),
  approveStep: (stepId: string) => send(ApproveStep, { stepId, by: 'alice' }),
  rejectStep: (stepId: string) => send(RejectStep, { stepId, by: 'bob' }),
};
const executionMutationCases = Object.entries(executionMutations).map(([name, run]) => ({ name, run }));
const stepMutationCases = Object.entries(stepMutations).map(([name, run]) => ({ name, run }));

describe('unknown ids', () => {
  const unknownExecution = () => globalId('Execution', randomUUID());
  const unknownStep = () => globalId('StepProgress', randomUUID());

  it.each(executionMutationCases)('$name of an unknown execution -> NOT_FOUND', async ({ run }) => {
    const result = await run(unknownExecution());
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.data ?? null).toBeNull();
  });

  it.each(stepMutationCases)('$name of an unknown step -> NOT_FOUND', async ({ run }) => {
    const before = await executionCount();
    const result = await run(unknownStep());
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(await executionCount()).toBe(before);
  });

  it('execution(id) and node(id) of an unknown id are null, without an error', async () => {
    const id = unknownExecution();
    expect(await ok(GetExecution, { id })).toEqual({ execution: null });
    expect(await ok(GetNode, { id })).toEqual({ node: null });
    expect(await ok(GetNode, { id: unknownStep() })).toEqual({ node: null });
    const events = await ok(ListEvents, { filter: { executionId: id } });
    expect(events.events.edges).toEqual([]);
  });
});

describe('malformed ids', () => {
  let execution: { id: string; steps: string[] };
  beforeAll(async () => {
    execution = await running(2);
  });

  const malformed = [
    ['an empty string', () => ''],
    ['plain text', () => 'not-an-id'],
    ['a bare uuid', () => randomUUID()],
    ['a non-uuid key', () => globalId('Execution', '123')],
    ['no type name', () => Buffer.from(`:${randomUUID()}`).toString('base64url')],
    ['an unknown type name', () => globalId('Pipeline', randomUUID())],
    ['trailing garbage', () => `${globalId('Execution', randomUUID())}!!`],
    ['characters outside base64url', () => 'RXhlY3V0aW9uOj#$%'],
    ['a very long string', () => 'A'.repeat(10_000)],
  ] as const;

  it.each(malformed)('%s as an execution id -> BAD_USER_INPUT', async (_name, make) => {
    const id = make();
    expect(errorCodes(await send(GetExecution, { id }))).toEqual(['BAD_USER_INPUT']);
    const results = await Promise.all(Object.values(executionMutations).map((run) => run(id)));
    for (const result of results) expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it.each(malformed)('%s as a step id -> BAD_USER_INPUT', async (_name, make) => {
    const id = make();
    const results = await Promise.all(Object.values(stepMutations).map((run) => run(id)));
    for (const result of results) expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('a step id where an execution id is expected -> BAD_USER_INPUT, and the step is untouched', async () => {
    const before = await snapshot(execution.id);
    const stepId = execution.steps[0]!;
    expect(errorCodes(await send(GetExecution, { id: stepId }))).toEqual(['BAD_USER_INPUT']);
    const results = await Promise.all(Object.values(executionMutations).map((run) => run(stepId)));
    for (const result of results) expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await send(ListEvents, { filter: { executionId: stepId } }))).toEqual(['BAD_USER_INPUT']);
    expect(await snapshot(execution.id)).toEqual(before);
  });

  it('an execution id where a step id is expected -> BAD_USER_INPUT, and nothing changes', async () => {
    const before = await snapshot(execution.id);
    const results = await Promise.all(Object.values(stepMutations).map((run) => run(execution.id)));
    for (const result of results) expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(await snapshot(execution.id)).toEqual(before);
  });

  it('an event id where an execution or step id is expected -> BAD_USER_INPUT', async () => {
    await settle();
    const log = await ok(ListEvents, { filter: { executionId: execution.id } });
    const eventId = log.events.edges[0]!.node.id;
    expect(errorCodes(await send(StartExecution, { id: eventId }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await send(StartStep, { stepId: eventId }))).toEqual(['BAD_USER_INPUT']);
  });

  // Ids are compared as strings after decoding, so only the canonical lower-case uuid is accepted.
  it('a step id that encodes an upper-case uuid starts that step or is rejected, never INTERNAL', async () => {
    const fresh = await running(2);
    const stepId = globalId('StepProgress', rawId(fresh.steps[0]!).toUpperCase());
    const result = await server.request(StartStep, { stepId });
    if (result.errors) expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    else expect(result.data!.startStep).toMatchObject({ id: fresh.steps[0], status: 'RUNNING' });
  });

  it('an execution id that encodes an upper-case uuid resolves that execution or is rejected, never null', async () => {
    const id = globalId('Execution', rawId(execution.id).toUpperCase());
    const result = await server.request(GetExecution, { id });
    if (result.errors) expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    else expect(result.data!.execution?.id).toBe(execution.id);
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------

describe('bad input to createExecution -> BAD_USER_INPUT, and nothing is created', () => {
  const steps = [{ name: 'build', type: 'script' }];
  const cases: [string, Record<string, unknown>][] = [
    ['an empty workflow', { workflow: '', steps }],
    ['a blank workflow', { workflow: '   ', steps }],
    ['a workflow of 201 characters', { workflow: 'w'.repeat(201), steps }],
    ['a bad namespace', { workflow: 'deploy', namespace: 'bad namespace!', steps }],
    ['an empty namespace', { workflow: 'deploy', namespace: '', steps }],
    ['a negative slaMs', { workflow: 'deploy', slaMs: -1, steps }],
    ['a zero slaMs', { workflow: 'deploy', slaMs: 0, steps }],
    ['a negative timeoutMs', { workflow: 'deploy', timeoutMs: -5, steps }],
    ['labels that are an array', { workflow: 'deploy', labels: ['a', 'b'], steps }],
    ['labels that are a string', { workflow: 'deploy', labels: 'team=a', steps }],
    ['labels over 16 KiB', { workflow: 'deploy', labels: { blob: 'x'.repeat(17_000) }, steps }],
    ['a step with an empty name', { workflow: 'deploy', steps: [{ name: '', type: 'script' }] }],
    ['a step with a blank type', { workflow: 'deploy', steps: [{ name: 'build', type: ' ' }] }],
    ['an empty externalId', { workflow: 'deploy', externalId: '', steps }],
  ];

  it.each(cases)('%s', async (_name, input) => {
    const before = await executionCount();
    const result = await send(CreateExecution, { input: input as never });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.data ?? null).toBeNull();
    expect(await executionCount()).toBe(before);
  });

  it('labels given as an array literal in the document', async () => {
    const before = await executionCount();
    const result = await send(`mutation { createExecution(input: { workflow: "deploy", steps: [], labels: [1, 2] }) { id } }`);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(await executionCount()).toBe(before);
  });

  it('the error names the offending fields', async () => {
    const result = await send(CreateExecution, { input: { workflow: '', namespace: 'bad namespace!', steps } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.message).toMatch(/workflow/);
    expect(result.errors![0]!.message).toMatch(/namespace/);
  });
});

describe('bad pagination arguments', () => {
  it.each([501, -1, 10_000])('executions(first: %i) -> BAD_USER_INPUT', async (first) => {
    const result = await send(ListExecutions, { first });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'first' });
  });

  it('executions(first: 500) and (first: 0) are fine', async () => {
    await ok(ListExecutions, { first: 500 });
    const none = await ok(ListExecutions, { first: 0 });
    expect(none.executions.edges).toEqual([]);
  });

  it.each([501, -1])('events(first: %i) and execution.events(first: %i) -> BAD_USER_INPUT', async (first) => {
    expect(errorCodes(await send(ListEvents, { first }))).toEqual(['BAD_USER_INPUT']);
    const { id } = await running(0);
    const nested = await send(`query($id: ID!, $first: Int) { execution(id: $id) { events(first: $first) { edges { cursor } } } }`, { id, first });
    expect(errorCodes(nested)).toEqual(['BAD_USER_INPUT']);
  });

  it.each(['garbage', Buffer.from('ex:1:not-a-uuid').toString('base64url'), ''])(
    'executions(after: %j) -> BAD_USER_INPUT',
    async (after) => {
      const result = await send(ListExecutions, { after, first: 5 });
      // An empty cursor may be treated as "from the start"; anything else must be rejected.
      if (after === '') expect(result.errors).toBeUndefined();
      else expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    },
  );

  it('events(after: garbage) -> BAD_USER_INPUT', async () => {
    expect(errorCodes(await send(ListEvents, { after: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('malformed documents and variables', () => {
  it('a syntax error -> BAD_USER_INPUT / GRAPHQL_PARSE_FAILED', async () => {
    const result = await send('query { executions(first: 1) { edges { node { id } }');
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ reason: 'GRAPHQL_PARSE_FAILED' });
  });

  it('an empty document -> BAD_USER_INPUT', async () => {
    const result = await send('');
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(errorCodes(result).every((c) => c === 'BAD_USER_INPUT')).toBe(true);
  });

  it('an unknown field -> BAD_USER_INPUT / GRAPHQL_VALIDATION_FAILED', async () => {
    const result = await send('query { executions { edges { node { id nope } } } }');
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ reason: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('an unknown argument and an unknown mutation -> BAD_USER_INPUT / GRAPHQL_VALIDATION_FAILED', async () => {
    for (const query of ['query { executions(last: 5) { edges { cursor } } }', 'mutation { deleteExecution(id: "x") }']) {
      const result = await send(query);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.extensions).toMatchObject({ reason: 'GRAPHQL_VALIDATION_FAILED' });
    }
  });

  it.each(['yesterday', '2026-13-45T00:00:00Z', '2026-01-01', 'T12:00', 12345, true])(
    'an invalid DateTime variable (%j) -> BAD_USER_INPUT',
    async (createdAfter) => {
      const result = await send(ListExecutions, { filter: { createdAfter: createdAfter as string } });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.data ?? null).toBeNull();
    },
  );

  it('an invalid DateTime literal -> BAD_USER_INPUT', async () => {
    const result = await send('query { executions(filter: { createdBefore: "not a date" }) { edges { cursor } } }');
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('a valid DateTime variable is accepted', async () => {
    await ok(ListExecutions, { filter: { createdAfter: '2020-01-01T00:00:00.000Z', createdBefore: '2999-01-01T00:00:00Z' } });
  });

  it.each([
    ['a missing required variable', CreateExecution as never, {}],
    ['a null required variable', StartExecution as never, { id: null }],
  ])('%s -> BAD_USER_INPUT', async (_name, document: TypedDocumentNode<unknown, never>, variables) => {
    const result = await send(document, variables as never);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('values that fail coercion as literals -> BAD_USER_INPUT / GRAPHQL_VALIDATION_FAILED', async () => {
    for (const query of [
      'query { executions(first: 1.5) { edges { cursor } } }',
      'query { executions(filter: { status: [SLEEPING] }) { edges { cursor } } }',
      'mutation { createExecution(input: { workflow: "w", steps: [], slaMs: 2147483648 }) { id } }',
      'mutation { createExecution(input: { workflow: "w", steps: [{ name: "a" }] }) { id } }',
      'mutation { createExecution(input: { workflow: "w", steps: [], colour: "red" }) { id } }',
    ]) {
      const result = await send(query);
      expect(errorCodes(result), query).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.extensions).toMatchObject({ reason: 'GRAPHQL_VALIDATION_FAILED' });
    }
  });
});

/** graphql-js's own coercion errors (wrong variable types) are the client's input, like the same literals. */
describe('variables that fail coercion are BAD_USER_INPUT', () => {
  const steps = [{ name: 'build', type: 'script' }];
  const cases: [string, TypedDocumentNode<unknown, never>, Record<string, unknown>][] = [
    ['executions(first: "ten")', ListExecutions as never, { first: 'ten' }],
    ['executions(first: 1.5)', ListExecutions as never, { first: 1.5 }],
    ['an unknown ExecutionStatus in the filter', ListExecutions as never, { filter: { status: ['SLEEPING'] } }],
    ['reportStepProgress(percent: "half")', ReportStepProgress as never, { stepId: globalId('StepProgress', randomUUID()), percent: 'half' }],
    ['createExecution with slaMs beyond Int', CreateExecution as never, { input: { workflow: 'deploy', slaMs: 2 ** 31, steps } }],
    ['createExecution with a fractional slaMs', CreateExecution as never, { input: { workflow: 'deploy', slaMs: 1.5, steps } }],
    ['createExecution with a step without a type', CreateExecution as never, { input: { workflow: 'deploy', steps: [{ name: 'build' }] } }],
    ['createExecution without steps', CreateExecution as never, { input: { workflow: 'deploy' } }],
    ['createExecution with an unknown input field', CreateExecution as never, { input: { workflow: 'deploy', steps, colour: 'red' } }],
  ];

  it.each(cases)('%s -> BAD_USER_INPUT', async (_name, document, variables) => {
    const result = await server.request(document, variables as never);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});
