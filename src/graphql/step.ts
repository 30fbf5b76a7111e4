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


builder.mutationFields((t) => ({
  startStep: t.field({
    type: StepRef,
    args: { stepId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), { kind: 'startStep' }),
  }),
  reportStepProgress: t.field({
    type: StepRef,
    args: { stepId: t.arg.id({ required: true }), percent: t.arg.float({ required: true }), message: t.arg.string() },
    resolve: (_root, args, ctx) =>
      runStepCommand(ctx, String(args.stepId), {
        kind: 'reportProgress',
        percent: args.percent,
        message: args.message ?? null,
      }),
  }),
  completeStep: t.field({
    type: StepRef,
    args: { stepId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => runStepCommand(ctx, String(args.stepId), { kind: 'completeStep' }),
  }),
  failStep: t.field({
    type: StepRef,
    description: 'Fails the running step; with `retry: true` it goes back to PENDING with attempt + 1.',
    args: { stepId: t.arg.id({ required: true }), error: t.arg.string({ required: true }), retry: t.arg.boolean() },
    resolve: (_root, args, ctx) =>
      runStepCommand(ctx, String(args.stepId), { kind: 'failStep', error: args.error, retry: args.retry ?? false }),
  }),
  skipStep: t.field({
    type: StepRef,
    args: { stepId: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_root, args, ctx) =>
      runStepCommand(ctx, String(args.stepId), { kind: 'skipStep', reason: args.reason ?? null }),
  }),
  requestApproval: t.field({
    type: StepRef,
    description: 'Puts the step and its execution in WAITING_APPROVAL.',
    args: { stepId: t.arg.id({ required: true }), approvers: t.arg.stringList(), message: t.arg.string() },
    resolve: (_root, args, ctx) =>
      runStepCommand(ctx, String(args.stepId), {
        kind: 'requestApproval',
        approvers: args.approvers ?? [],
        message: args.message ?? null,
      }),
  }),
  approveStep: t.field({
    type: StepRef,
    description: 'Completes the gate step; the execution runs again.',
    args: { stepId: t.arg.id({ required: true }), by: t.arg.string({ required: true }), comment: t.arg.string() },
    resolve: (_root, args, ctx) =>
      runStepCommand(ctx, String(args.stepId), { kind: 'approve', by: args.by, comment: args.comment ?? null }),
  }),
  rejectStep: t.field({
    type: StepRef,
    description: 'Fails the gate step with the rejection as its error.',
    args: { stepId: t.arg.id({ required: true }), by: t.arg.string({ required: true }), comment: t.arg.string() },
    resolve: (_root, args, ctx) =>
      runStepCommand(ctx, String(args.stepId), { kind: 'reject', by: args.by, comment: args.comment ?? null }),
  }),
}));
