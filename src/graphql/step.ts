import type { StepRow } from '../db/schema.js';
import { STEP_STATUSES, type StepCommand } from '../domain/lifecycle.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { encodeGlobalId, parseId } from './ids.js';

export const StepStatusEnum = builder.enumType('StepStatus', { values: STEP_STATUSES });

export const StepRef = builder.objectRef<StepRow>('StepProgress');

const durationMs = (step: StepRow, now: Date) =>
  step.startedAt ? (step.finishedAt ?? now).getTime() - step.startedAt.getTime() : null;

builder.node(StepRef, {
  description: 'One step of an execution and how far it has got.',
  id: { resolve: (step) => step.id },
  loadOne: (id, ctx) => ctx.loaders.step.load(id),
  fields: (t) => ({
    executionId: t.id({ resolve: (step) => encodeGlobalId('Execution', step.executionId) }),
    position: t.exposeInt('position', { description: '0-based order within the execution.' }),
    name: t.exposeString('name'),
    type: t.exposeString('type', { description: 'Step kind, e.g. "http", "script", "approval".' }),
    status: t.field({ type: StepStatusEnum, resolve: (step) => step.status }),
    progressPercent: t.exposeFloat('progressPercent', { description: '0..100; 100 once completed.' }),
    message: t.exposeString('message', { nullable: true }),
    attempt: t.exposeInt('attempt', { description: '1 on the first run; +1 on each retry.' }),
    error: t.exposeString('error', { nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    durationMs: t.float({
      nullable: true,
      description: 'Started -> finished, or -> now while running.',
      resolve: (step, _args, ctx) => durationMs(step, ctx.services.clock.now()),
    }),
  }),
});

async function runStepCommand(ctx: Context, stepGlobalId: string, command: StepCommand) {
  const step = await ctx.services.executions.stepCommand(parseId(stepGlobalId, 'StepProgress'), command, ctx.scope);
  ctx.loaders.execution.clear(step.executionId);
  ctx.loaders.stepsOfExecution.clear(step.executionId);
  ctx.loaders.step.clear(step.id).prime(step.id, step);
  return step;
}

/** Each step mutation's arguments as its command; `ingest` takes the same arguments. */
export const stepCommands = {
  startStep: (): StepCommand => ({ kind: 'startStep' }),
  reportStepProgress: (a: { percent: number; message?: string | null }): StepCommand => ({
    kind: 'reportProgress',
    percent: a.percent,
    message: a.message ?? null,
  }),
  completeStep: (): StepCommand => ({ kind: 'completeStep' }),
  failStep: (a: { error: string; retry?: boolean | null }): StepCommand => ({ kind: 'failStep', error: a.error, retry: a.retry ?? false }),
  skipStep: (a: { reason?: string | null }): StepCommand => ({ kind: 'skipStep', reason: a.reason ?? null }),
  requestApproval: (a: { approvers?: string[] | null; message?: string | null }): StepCommand => ({
    kind: 'requestApproval',
    approvers: a.approvers ?? [],
    message: a.message ?? null,
  }),
  approveStep: (a: { by: string; comment?: string | null }): StepCommand => ({ kind: 'approve', by: a.by, comment: a.comment ?? null }),
  rejectStep: (a: { by: string; comment?: string | null }): StepCommand => ({ kind: 'reject', by: a.by, comment: a.comment ?? null }),
};

builder.mutationFields((t) => ({
  startStep: t.field({
    type: StepRef,
    args: { stepId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), stepCommands.startStep()),
  }),
  reportStepProgress: t.field({
    type: StepRef,
    args: { stepId: t.arg.id({ required: true }), percent: t.arg.float({ required: true }), message: t.arg.string() },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), stepCommands.reportStepProgress(args)),
  }),
  completeStep: t.field({
    type: StepRef,
    args: { stepId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), stepCommands.completeStep()),
  }),
  failStep: t.field({
    type: StepRef,
    description: 'Fails the running step; with `retry: true` it goes back to PENDING with attempt + 1.',
    args: { stepId: t.arg.id({ required: true }), error: t.arg.string({ required: true }), retry: t.arg.boolean() },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), stepCommands.failStep(args)),
  }),
  skipStep: t.field({
    type: StepRef,
    args: { stepId: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), stepCommands.skipStep(args)),
  }),
  requestApproval: t.field({
    type: StepRef,
    description: 'Puts the step and its execution in WAITING_APPROVAL.',
    args: { stepId: t.arg.id({ required: true }), approvers: t.arg.stringList(), message: t.arg.string() },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), stepCommands.requestApproval(args)),
  }),
  approveStep: t.field({
    type: StepRef,
    description: 'Completes the gate step; the execution runs again.',
    args: { stepId: t.arg.id({ required: true }), by: t.arg.string({ required: true }), comment: t.arg.string() },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), stepCommands.approveStep(args)),
  }),
  rejectStep: t.field({
    type: StepRef,
    description: 'Fails the gate step with the rejection as its error.',
    args: { stepId: t.arg.id({ required: true }), by: t.arg.string({ required: true }), comment: t.arg.string() },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), stepCommands.rejectStep(args)),
  }),
}));
