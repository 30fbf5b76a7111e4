import type { StepRow } from '../db/schema.js';
import { STEP_STATUSES } from '../domain/lifecycle.js';
import { builder } from './builder.js';
import { encodeGlobalId } from './ids.js';

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
    approvers: t.exposeStringList('approvers', {
      nullable: true,
      description: 'Who may approve or reject it while it waits (the list requestApproval named); null: anyone.',
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    durationMs: t.float({
      nullable: true,
      description: 'Started -> finished, or -> now while running.',
      resolve: (step, _args, ctx) => durationMs(step, ctx.services.clock.now()),
    }),
  }),
});
