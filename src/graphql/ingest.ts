import type { ExecutionCommand, StepCommand } from '../domain/lifecycle.js';
import type { IngestCommand, IngestOutcome } from '../services/executions.js';
import { badInput, DomainError } from '../errors.js';
import { builder } from './builder.js';
import { CreateExecutionInput, ExecutionRef, executionCommands } from './execution.js';
import { parseId } from './ids.js';
import { stepCommands, StepRef } from './step.js';

// One input per mutation, with that mutation's arguments, so each can grow like its mutation does.
const idInput = (name: string) => builder.inputType(name, { fields: (t) => ({ id: t.id({ required: true }) }) });
const stepIdInput = (name: string) => builder.inputType(name, { fields: (t) => ({ stepId: t.id({ required: true }) }) });
const decisionInput = (name: string) =>
  builder.inputType(name, {
    fields: (t) => ({ stepId: t.id({ required: true }), by: t.string({ required: true }), comment: t.string() }),
  });

const commandInputs = {
  queueExecution: idInput('QueueExecutionInput'),
  startExecution: idInput('StartExecutionInput'),
  completeExecution: idInput('CompleteExecutionInput'),
  failExecution: builder.inputType('FailExecutionInput', {
    fields: (t) => ({ id: t.id({ required: true }), error: t.string({ required: true }) }),
  }),
  cancelExecution: builder.inputType('CancelExecutionInput', { fields: (t) => ({ id: t.id({ required: true }), reason: t.string() }) }),
  timeoutExecution: idInput('TimeoutExecutionInput'),
  startStep: stepIdInput('StartStepInput'),
  reportStepProgress: builder.inputType('ReportStepProgressInput', {
    fields: (t) => ({ stepId: t.id({ required: true }), percent: t.float({ required: true }), message: t.string() }),
  }),
  completeStep: stepIdInput('CompleteStepInput'),
  failStep: builder.inputType('FailStepInput', {
    fields: (t) => ({ stepId: t.id({ required: true }), error: t.string({ required: true }), retry: t.boolean() }),
  }),
  skipStep: builder.inputType('SkipStepInput', { fields: (t) => ({ stepId: t.id({ required: true }), reason: t.string() }) }),
  requestApproval: builder.inputType('RequestApprovalInput', {
    fields: (t) => ({ stepId: t.id({ required: true }), approvers: t.stringList(), message: t.string() }),
  }),
  approveStep: decisionInput('ApproveStepInput'),
  rejectStep: decisionInput('RejectStepInput'),
};

const IngestCommandInput = builder.inputType('IngestCommand', {
  isOneOf: true,
  description: 'One engine command: exactly one field, named after its mutation and holding that mutation\'s arguments.',
  fields: (t) => ({
    createExecution: t.field({ type: CreateExecutionInput }),
    queueExecution: t.field({ type: commandInputs.queueExecution }),
    startExecution: t.field({ type: commandInputs.startExecution }),
    completeExecution: t.field({ type: commandInputs.completeExecution }),
    failExecution: t.field({ type: commandInputs.failExecution }),
    cancelExecution: t.field({ type: commandInputs.cancelExecution }),
    timeoutExecution: t.field({ type: commandInputs.timeoutExecution }),
    startStep: t.field({ type: commandInputs.startStep }),
    reportStepProgress: t.field({ type: commandInputs.reportStepProgress }),
    completeStep: t.field({ type: commandInputs.completeStep }),
    failStep: t.field({ type: commandInputs.failStep }),
    skipStep: t.field({ type: commandInputs.skipStep }),
    requestApproval: t.field({ type: commandInputs.requestApproval }),
    approveStep: t.field({ type: commandInputs.approveStep }),
    rejectStep: t.field({ type: commandInputs.rejectStep }),
  }),
});

const IngestErrorRef = builder.objectRef<{ code: string; message: string }>('IngestError').implement({
  description: 'Why a command changed nothing: the code and message its mutation alone would have failed with.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'A stable code: BAD_USER_INPUT, NOT_FOUND, INVALID_TRANSITION, FORBIDDEN, ...' }),
    message: t.exposeString('message'),
  }),
});

const IngestResultRef = builder.objectRef<IngestOutcome>('IngestResult').implement({
  description: 'The result of one command of a batch: what its mutation alone would have returned, or its error.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    execution: t.field({
      type: ExecutionRef,
      nullable: true,
      description:
        'The execution the command created or changed (a step command: the step\'s execution), as the command left it; ' +
        'its steps and progress are read after the whole batch.',
      resolve: (r) => (r.ok ? r.execution : null),
    }),
    step: t.field({ type: StepRef, nullable: true, description: 'A step command\'s step, as the command left it.', resolve: (r) => (r.ok ? r.step : null) }),
    // A plain object: graphql-js would raise an Error instance returned as a value.
    error: t.field({ type: IngestErrorRef, nullable: true, resolve: (r) => (r.ok ? null : { code: r.error.code, message: r.error.message }) }),
  }),
});

type CommandArgs = { id?: string; stepId?: string };

/** The service command for one GraphQL command, or its BAD_USER_INPUT (an id that is not one). */
function toCommand(command: object): IngestCommand | DomainError {
  // @oneOf: exactly one field is set (validation, and useCompiledExecution for variables).
  const [[name, args]] = Object.entries(command).filter(([, args]) => args != null) as [[string, CommandArgs]];
  try {
    if (name === 'createExecution') return { kind: 'createExecution', input: args as never };
    if (name in executionCommands) {
      const toExecutionCommand = executionCommands[name as keyof typeof executionCommands] as (a: CommandArgs) => ExecutionCommand;
      return { kind: 'executionCommand', executionId: parseId(String(args.id), 'Execution'), command: toExecutionCommand(args) };
    }
    const toStepCommand = stepCommands[name as keyof typeof stepCommands] as (a: CommandArgs) => StepCommand;
    return { kind: 'stepCommand', stepId: parseId(String(args.stepId), 'StepProgress'), command: toStepCommand(args) };
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

builder.mutationField('ingest', (t) =>
  t.field({
    type: [IngestResultRef],
    description:
      'Applies engine commands in order, each exactly like its mutation, in one transaction; results come in command order. ' +
      'A command that fails changes nothing and reports its error; the others still apply.',
    args: { commands: t.arg({ type: [IngestCommandInput], required: true }) },
    // The query cost counts each command like a mutation of its own (src/server/plugins/limits.ts).
    extensions: { listSizedBy: 'commands' },
    resolve: async (_root, { commands }, ctx) => {
      const max = ctx.services.config.limits.maxIngestCommands;
      if (commands.length > max) {
        throw badInput(`A batch may hold at most ${max} commands, got ${commands.length}; split it`, { field: 'commands', maxCommands: max });
      }
      const parsed = commands.map(toCommand);
      const outcomes = await ctx.services.executions.ingest(
        parsed.filter((c): c is IngestCommand => !(c instanceof DomainError)),
        ctx.scope,
      );
      let next = 0;
      return parsed.map((command): IngestOutcome => {
        if (command instanceof DomainError) return { ok: false, error: command };
        const outcome = outcomes[next++]!;
        if (outcome.ok) {
          ctx.loaders.execution.clear(outcome.execution.id);
          ctx.loaders.stepsOfExecution.clear(outcome.execution.id);
          if (outcome.step) ctx.loaders.step.clear(outcome.step.id);
        }
        return outcome;
      });
    },
  }),
);
