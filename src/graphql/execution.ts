import type DataLoader from 'dataloader';
import type { ExecutionFilter } from '../db/repository.js';
import type { ExecutionRow, StepRow } from '../db/schema.js';
import { decodeExecutionCursor, encodeExecutionCursor, isUuid, type ExecutionPosition } from '../domain/cursors.js';
import { EXECUTION_STATUSES } from '../domain/lifecycle.js';
import { ETA_BASES, MIN_OVERRUN_SAMPLES } from '../domain/eta.js';
import { QUEUE_ETA_BASES, RATE_STARTS, RATE_WINDOW_MS } from '../domain/queue-eta.js';
import type { Context } from '../context.js';
import { liveExecution } from '../services/events.js';
import { workflowKey, type ProgressReport } from '../services/progress.js';
import { badInput, notFound } from '../errors.js';
import { builder } from './builder.js';
import { abortable } from './live.js';
import { eventPage, EventConnection, EventRef } from './event.js';
import { encodeGlobalId, parseId } from './ids.js';
import { pageArgs, pageSize, rowsAfter, toConnection } from './pagination.js';
import { selectsField } from './selection.js';
import { StepRef } from './step.js';

export const ExecutionStatusEnum = builder.enumType('ExecutionStatus', { values: EXECUTION_STATUSES });

export const ExecutionRef = builder.objectRef<ExecutionRow>('Execution');
const ProgressRef = builder.objectRef<ProgressReport>('ExecutionProgress');
const EtaBasisEnum = builder.enumType('EtaBasis', {
  values: ETA_BASES,
  description: 'What an estimate is based on: recent successful runs, this execution\'s own pace so far, or nothing yet.',
});

const QueueEtaBasisEnum = builder.enumType('QueueEtaBasis', {
  values: QUEUE_ETA_BASES,
  description:
    'What a queued execution\'s expected start rests on: SLOTS, the running executions of its namespace freeing their slots ' +
    '(each after its own remaining time, from its workflow\'s run history) and the queue ahead taking them in turn; ' +
    'RATE, the observed dispatch rate; NONE, neither is known yet.',
});

const elapsed = (from: Date | null, to: Date | null, now: Date) => (from ? (to ?? now).getTime() - from.getTime() : null);

/** Steps (not even loaded while unchanged since the last read) and history, batched per request. */
function stepsAndHistory(execution: ExecutionRow, ctx: Context, knownSteps?: StepRow[]) {
  return Promise.all([
    knownSteps ?? ctx.services.progress.rememberedSteps(execution) ?? ctx.loaders.stepsOfExecution.load(execution),
    ctx.loaders.stepHistory.load(workflowKey(execution)),
  ]);
}

async function progressOf(execution: ExecutionRow, ctx: Context, knownSteps?: StepRow[]) {
  const [[steps, history], queue] = await Promise.all([
    stepsAndHistory(execution, ctx, knownSteps),
    execution.status === 'QUEUED' ? ctx.loaders.queue.load(execution.namespace) : null,
  ]);
  return ctx.services.progress.report(execution, steps, history, queue);
}

builder.node(ExecutionRef, {
  description: 'One run of a workflow, as reported by its engine.',
  id: { resolve: (execution) => execution.id },
  loadOne: (id, ctx) => ctx.loaders.execution.load(id),
  fields: (t) => ({
    namespace: t.exposeString('namespace', { description: 'Tenant / project; "default" when not given.' }),
    workflow: t.exposeString('workflow'),
    externalId: t.exposeString('externalId', {
      nullable: true,
      description: "The engine's own id; unique per namespace; makes createExecution idempotent.",
    }),
    status: t.field({ type: ExecutionStatusEnum, resolve: (e) => e.status }),
    labels: t.field({ type: 'JSON', nullable: true, resolve: (e) => e.labels }),
    error: t.exposeString('error', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    queuedAt: t.expose('queuedAt', { type: 'DateTime', nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    queueTimeMs: t.float({
      nullable: true,
      description: 'Queued -> started, or -> now while queued.',
      resolve: (e, _a, ctx) => (e.queuedAt ? elapsed(e.queuedAt, e.startedAt ?? e.finishedAt, ctx.services.clock.now()) : null),
    }),
    durationMs: t.float({
      nullable: true,
      description: 'Started -> finished, or -> now while running.',
      resolve: (e, _a, ctx) => elapsed(e.startedAt, e.finishedAt, ctx.services.clock.now()),
    }),
    slaMs: t.exposeInt('slaMs', { nullable: true, description: 'Target duration in milliseconds.' }),
    timeoutMs: t.exposeInt('timeoutMs', { nullable: true }),
    slaViolated: t.boolean({
      description: 'True once the duration exceeds slaMs, whether finished or still running.',
      resolve: (e, _a, ctx) => {
        const duration = elapsed(e.startedAt, e.finishedAt, ctx.services.clock.now());
        return e.slaMs !== null && duration !== null && duration > e.slaMs;
      },
    }),
    slaBreachedAt: t.expose('slaBreachedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When Runwatch recorded that it ran past its SLA (its SLA_BREACHED event): at the finish, or at the alert round that saw it running over.',
    }),
    timeoutBreachedAt: t.expose('timeoutBreachedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the alert round saw it still open past its timeoutMs (its TIMEOUT_BREACHED event).',
    }),
    steps: t.field({
      type: [StepRef],
      description: 'In position order.',
      resolve: (e, _a, ctx) => ctx.loaders.stepsOfExecution.load(e),
    }),
    progress: t.field({ type: ProgressRef, resolve: (e, _a, ctx) => progressOf(e, ctx) }),
    events: t.field({
      type: EventConnection,
      args: pageArgs,
      resolve: (e, args, ctx) => eventPage(ctx, { executionId: e.id }, args.first, args.after),
    }),
  }),
});

ProgressRef.implement({
  description:
    'How far an execution has got. Every step is counted in exactly one of completedSteps, skippedSteps, failedSteps, ' +
    'cancelledSteps, timedOutSteps, runningSteps and pendingSteps; doneSteps = completedSteps + skippedSteps.',
  fields: (t) => ({
    executionId: t.id({ resolve: (p) => encodeGlobalId('Execution', p.executionId) }),
    status: t.field({ type: ExecutionStatusEnum, resolve: (p) => p.status }),
    seq: t.exposeInt('seq', {
      description:
        "The seq of the execution's latest event this progress reflects (0 before any): it only grows, and a gap means " +
        'events committed together or changes coalesced (see Subscription.executionProgress).',
    }),
    totalSteps: t.exposeInt('totalSteps'),
    completedSteps: t.exposeInt('completedSteps', { description: 'COMPLETED steps (approved gates included).' }),
    failedSteps: t.exposeInt('failedSteps', { description: 'FAILED steps: failed without a retry, or a rejected approval.' }),
    cancelledSteps: t.exposeInt('cancelledSteps', {
      description: 'CANCELLED steps: open when the execution failed, was cancelled, or (pending ones) timed out.',
    }),
    timedOutSteps: t.exposeInt('timedOutSteps', { description: 'TIMED_OUT steps: running when the execution timed out.' }),
    runningSteps: t.exposeInt('runningSteps', { description: 'RUNNING and WAITING_APPROVAL steps.' }),
    pendingSteps: t.exposeInt('pendingSteps'),
    skippedSteps: t.exposeInt('skippedSteps', { description: 'SKIPPED steps: skipped by the engine, or still pending when the execution completed.' }),
    doneSteps: t.exposeInt('doneSteps', { description: 'Steps whose work is done: completedSteps + skippedSteps.' }),
    progressPercent: t.exposeFloat('progressPercent', {
      description:
        'Successful work, 0..100, each step weighing the same: a done step counts in full; a running step by its reported ' +
        'progressPercent; a cancelled or timed-out step by the progressPercent it had reached, so failing, cancelling or ' +
        'timing out an execution leaves its percent where it stopped; a failed step counts nothing (see failedSteps). ' +
        '100 once COMPLETED.',
    }),
    currentStep: t.field({
      type: StepRef,
      nullable: true,
      description: 'The running step with the lowest position; the step waiting for approval when paused.',
      resolve: (p) => p.currentStep,
    }),
    elapsedMs: t.exposeFloat('elapsedMs', { nullable: true, description: 'Started -> finished, or -> now while running.' }),
    estimatedRemainingMs: t.exposeFloat('estimatedRemainingMs', {
      nullable: true,
      description:
        'Median time left. Before any step has started (etaBasis HISTORY): the whole run\'s duration over the workflow\'s ' +
        'recent successful runs, time between steps included, conditioned on the time already elapsed. After: the open ' +
        'steps\' expected durations (a running step\'s conditioned on the time it has used) plus the time runs spend between ' +
        'steps. 0 once final; null when etaBasis is NONE.',
    }),
    estimatedRemainingP90Ms: t.exposeFloat('estimatedRemainingP90Ms', {
      nullable: true,
      description: 'A pessimistic bound: the remaining time is below this in 9 runs out of 10.',
    }),
    estimatedCompletion: t.expose('estimatedCompletion', {
      type: 'DateTime',
      nullable: true,
      description: 'Now (or, when QUEUED, estimatedStartAt) plus estimatedRemainingMs; finishedAt once final.',
    }),
    estimatedStartAt: t.expose('estimatedStartAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'QUEUED only: the expected start, from the queue ahead of it in its namespace (in queue time order) and Little\'s law: ' +
        `the namespace's dispatch rate over its latest ${RATE_STARTS} starts (at most ${RATE_WINDOW_MS / 60_000} min back, up to now) ` +
        'and its running slots freeing up (see queueEtaBasis); where both are known the later one. Null when neither is.',
    }),
    estimatedStartEarliestAt: t.expose('estimatedStartEarliestAt', {
      type: 'DateTime',
      nullable: true,
      description: 'QUEUED only: the early edge of the band around estimatedStartAt (10th percentile of each duration or wait involved).',
    }),
    estimatedStartLatestAt: t.expose('estimatedStartLatestAt', {
      type: 'DateTime',
      nullable: true,
      description: 'QUEUED only: the late edge of the band around estimatedStartAt (90th percentile of each duration or wait involved).',
    }),
    queueEtaBasis: t.field({
      type: QueueEtaBasisEnum,
      nullable: true,
      description: 'QUEUED only: what estimatedStartAt rests on; null when the execution is not queued.',
      resolve: (p) => p.queueEtaBasis,
    }),
    percentByTime: t.exposeFloat('percentByTime', {
      nullable: true,
      description: 'Progress weighted by expected step durations (0..100), beside the step-count progressPercent.',
    }),
    isOverrunning: t.exposeBoolean('isOverrunning', {
      description:
        'True while a running step has run longer than its learned p90 (over the workflow\'s recent successful runs), or the ' +
        'execution longer than the p90 of those whole runs (time between steps included). Only with etaBasis HISTORY and ' +
        `a p90 learned from at least ${MIN_OVERRUN_SAMPLES} runs: never from pace, never before that many runs finished.`,
    }),
    etaBasis: t.field({ type: EtaBasisEnum, resolve: (p) => p.etaBasis }),
  }),
});

export const ExecutionConnection = builder.connectionObject({ type: ExecutionRef, name: 'ExecutionConnection' });

/** Whether an executions cursor names an execution the caller may see (through the operation's loader). */
export async function executionExists(ctx: Context, position: ExecutionPosition) {
  const [execution] = await ctx.services.repository.executionsByIds([position.id], ctx.scope);
  return execution?.createdAt.getTime() === position.createdAt.getTime();
}

/**
 * A feed's context lives as long as its subscription, so these reads are batched but not kept:
 * a dashboard open for days would otherwise cache every execution it ever saw.
 */
const loadUncached = <V>(loader: DataLoader<string, V>, key: string) => loader.load(key).finally(() => loader.clear(key));

// So a feed reads as sentences ("deploy: step build failed") without a query per event.
builder.objectFields(EventRef, (t) => ({
  execution: t.field({
    type: ExecutionRef,
    nullable: true,
    description: 'The execution it belongs to; null for SYSTEM_* events.',
    resolve: (event, _a, ctx) => (event.executionId ? loadUncached(ctx.loaders.execution, event.executionId) : null),
  }),
  step: t.field({
    type: StepRef,
    nullable: true,
    description: 'The step it is about, as it is now (its attempt then is in data.attempt).',
    resolve: (event, _a, ctx) => (event.stepId ? loadUncached(ctx.loaders.step, event.stepId) : null),
  }),
}));

const ExecutionFilterInput = builder.inputType('ExecutionFilter', {
  fields: (t) => ({
    namespace: t.string(),
    workflow: t.string(),
    status: t.field({ type: [ExecutionStatusEnum] }),
    createdAfter: t.field({ type: 'DateTime' }),
    createdBefore: t.field({ type: 'DateTime' }),
    externalId: t.string({ description: "The engine's own id, exactly, trimmed (with namespace: at most one execution; empty: any)." }),
    labels: t.field({
      type: 'JSON',
      description: 'A JSON object: executions whose labels contain all of its keys with these values (nested objects alike; jsonb containment); {} matches every execution.',
    }),
    search: t.string({ description: 'Text in the externalId (any case), or a whole execution id: the dashboard\'s search box.' }),
  }),
});

type ExecutionFilterArgs = typeof ExecutionFilterInput.$inferInput;

function toExecutionFilter(input: ExecutionFilterArgs | null | undefined): ExecutionFilter {
  if (!input) return {};
  const { labels, ...rest } = input;
  const search = input.search?.trim() || null;
  if (labels != null && (typeof labels !== 'object' || Array.isArray(labels))) {
    throw badInput('labels must be a JSON object, e.g. { "team": "payments" }', { field: 'labels' });
  }
  const externalId = input.externalId?.trim() || null;
  const anyLabel = labels == null || Object.keys(labels).length === 0;
  return { ...rest, externalId, labels: anyLabel ? null : (labels as Record<string, unknown>), search, searchId: search ? executionIdIn(search) : null };
}

/** The database id a search names: a global execution id or a bare uuid; null for anything else. */
function executionIdIn(text: string): string | null {
  if (isUuid(text)) return text.toLowerCase();
  try {
    return parseId(text, 'Execution');
  } catch {
    return null;
  }
}

builder.queryFields((t) => ({
  execution: t.field({
    type: ExecutionRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx, info) => {
      const id = parseId(String(args.id), 'Execution');
      if (!selectsField(info, 'steps')) return ctx.loaders.execution.load(id);
      // With its steps: one statement, not the two loaders' (the loaders still answer the rest of the operation).
      const found = await ctx.services.repository.executionWithSteps(id, ctx.scope);
      if (!found) return null;
      ctx.loaders.execution.prime(id, found.execution);
      ctx.loaders.stepsOfExecution.prime(found.execution, found.steps);
      return found.execution;
    },
  }),
  executionByExternalId: t.field({
    type: ExecutionRef,
    nullable: true,
    description: "The execution its engine knows by its own id (externalId, unique per namespace); null when there is none (or not in the caller's namespaces).",
    args: {
      namespace: t.arg.string({ description: '"default" when not given, as in createExecution.' }),
      externalId: t.arg.string({ required: true }),
    },
    resolve: async (_root, args, ctx) => {
      const execution = await ctx.services.repository.executionByExternalId(args.namespace || 'default', args.externalId.trim(), ctx.scope);
      if (execution) ctx.loaders.execution.prime(execution.id, execution);
      return execution;
    },
  }),
  executions: t.field({
    type: ExecutionConnection,
    description: 'Newest first.',
    args: { filter: t.arg({ type: ExecutionFilterInput }), ...pageArgs },
    resolve: async (_root, args, ctx) => {
      const limit = pageSize(args.first, ctx.services.config);
      const filter = toExecutionFilter(args.filter);
      const rows = await rowsAfter(ctx, args.after, decodeExecutionCursor, (position) => executionExists(ctx, position), (after) =>
        ctx.services.repository.listExecutions(filter, ctx.scope, after, limit, ctx.services.clock.now()),
      );
      for (const row of rows) ctx.loaders.execution.prime(row.id, row);
      return toConnection(rows, limit, encodeExecutionCursor, args.after);
    },
  }),
  activeExecutions: t.field({
    type: [ProgressRef],
    description: 'Progress of every QUEUED, RUNNING or WAITING_APPROVAL execution, oldest first by queue time (creation time when never queued).',
    args: { namespace: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const rows = await ctx.services.repository.listActiveExecutions(args.namespace ?? null, ctx.scope);
      for (const row of rows) ctx.loaders.execution.prime(row.id, row);
      return Promise.all(rows.map((row) => progressOf(row, ctx)));
    },
  }),
}));

builder.subscriptionFields((t) => ({
  executionProgress: t.field({
    type: ProgressRef,
    description:
      'The current progress first, then a new one after changes, coalesced under load: each payload is the state when it was read, ' +
      'so changes committed together or while the previous payload was being sent arrive as one (its seq jumps past them). ' +
      'The state right before the final one and the final one are always sent, in that order; then it completes.',
    args: { executionId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => {
      const id = parseId(String(args.executionId), 'Execution');
      if (!(await ctx.loaders.execution.load(id))) throw notFound('Execution', String(args.executionId));
      return abortable((signal) => liveExecution(ctx.services.live, id, ctx.scope, signal));
    },
    resolve: (snapshot, _args, ctx) => {
      // The subscription's context lives as long as it does: refresh what its loaders hold.
      const { execution, steps } = snapshot;
      ctx.loaders.execution.clear(execution.id).prime(execution.id, execution);
      ctx.loaders.stepsOfExecution.clear(execution).prime(execution, steps);
      return progressOf(execution, ctx, steps);
    },
  }),
}));

builder.objectField(StepRef, 'expectedDurationMs', (t) =>
  t.float({
    nullable: true,
    description: "The median duration the ETA expects of this step: from the workflow's recent successful runs, else this execution's pace.",
    resolve: async (step, _args, ctx) => {
      const execution = await ctx.loaders.execution.load(step.executionId);
      if (!execution) return null;
      const [steps, history] = await stepsAndHistory(execution, ctx);
      return ctx.services.progress.plan(execution, steps, history).plan.expectedMs.get(step.id) ?? null;
    },
  }),
);
