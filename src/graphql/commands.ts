import type { ExecutionRow, StepRow } from '../db/schema.js';
import type { ExecutionCommand, StepCommand } from '../domain/lifecycle.js';
import type { Context } from '../context.js';
import type { IngestCommand } from '../services/executions.js';
import { builder } from './builder.js';
import { ExecutionRef } from './execution.js';
import { parseId, type NodeTypename } from './ids.js';
import { StepRef } from './step.js';

/*
 * Every engine command, declared once. Each becomes a mutation of its own (`failStep(stepId, error,
 * retry)`) and a field of the `ingest` mutation's IngestCommand (`{ failStep: FailStepInput }`),
 * both built here from the same entry. A new command is one entry below and its rule in
 * domain/lifecycle.ts.
 */

/** The GraphQL types a command argument can take; `['String']` is `[String!]`. */
type ArgType = 'String' | 'Float' | 'Int' | 'Boolean' | ['String'];

interface ArgSpec {
  type: ArgType;
  required?: boolean;
  description?: string;
}
type ArgSpecs = Record<string, ArgSpec>;

type ValueOf<T extends ArgType> = T extends ['String']
  ? string[]
  : T extends 'String'
    ? string
    : T extends 'Boolean'
      ? boolean
      : number;

/** What a resolver receives for these arguments: the required ones always, the others maybe null. */
type ArgValues<A extends ArgSpecs> = { [K in keyof A as A[K]['required'] extends true ? K : never]: ValueOf<A[K]['type']> } & {
  [K in keyof A as A[K]['required'] extends true ? never : K]?: ValueOf<A[K]['type']> | null;
};

/** What a command acts on: the id argument naming it, and what its mutation returns. */
interface Target<Command> {
  idArg: 'id' | 'stepId';
  typename: NodeTypename;
  ref: typeof ExecutionRef | typeof StepRef;
  /** The command for the service, by its target's database id. */
  serviceCommand(id: string, command: Command): IngestCommand;
}

const executionTarget: Target<ExecutionCommand> = {
  idArg: 'id',
  typename: 'Execution',
  ref: ExecutionRef,
  serviceCommand: (executionId, command) => ({ kind: 'executionCommand', executionId, command }),
};

const stepTarget: Target<StepCommand> = {
  idArg: 'stepId',
  typename: 'StepProgress',
  ref: StepRef,
  serviceCommand: (stepId, command) => ({ kind: 'stepCommand', stepId, command }),
};

/** Drops what this operation's loaders hold of what a command changed. */
export function forgetChanged(ctx: Context, { execution, step }: { execution: ExecutionRow; step: StepRow | null }) {
  ctx.loaders.execution.clear(execution.id);
  ctx.loaders.stepsOfExecution.clear(execution);
  if (step) ctx.loaders.step.clear(step.id);
}

/** One engine command: its target, its arguments besides the target's id, and the domain command they make. */
interface EngineCommand<Command, A extends ArgSpecs = ArgSpecs> {
  target: Target<Command>;
  description?: string;
  args: A;
  toCommand(args: ArgValues<A>): Command;
}

const onExecution = <A extends ArgSpecs = Record<never, ArgSpec>>(
  command: Omit<EngineCommand<ExecutionCommand, A>, 'target' | 'args'> & { args?: A },
): EngineCommand<ExecutionCommand, A> => ({ target: executionTarget, args: {} as A, ...command });

const onStep = <A extends ArgSpecs = Record<never, ArgSpec>>(
  command: Omit<EngineCommand<StepCommand, A>, 'target' | 'args'> & { args?: A },
): EngineCommand<StepCommand, A> => ({ target: stepTarget, args: {} as A, ...command });

const decisionArgs = { by: { type: 'String', required: true }, comment: { type: 'String' } } satisfies ArgSpecs;

/** The engine commands by mutation name (`createExecution` is declared beside them, below). */
export const engineCommands = {
  queueExecution: onExecution({ toCommand: () => ({ kind: 'queue' }) }),
  startExecution: onExecution({ toCommand: () => ({ kind: 'start' }) }),
  completeExecution: onExecution({
    description: 'Requires no step still running; pending steps are marked SKIPPED.',
    toCommand: () => ({ kind: 'complete' }),
  }),
  failExecution: onExecution({
    args: { error: { type: 'String', required: true } },
    toCommand: (a) => ({ kind: 'fail', error: a.error }),
  }),
  cancelExecution: onExecution({
    args: { reason: { type: 'String' } },
    toCommand: (a) => ({ kind: 'cancel', reason: a.reason ?? null }),
  }),
  timeoutExecution: onExecution({ toCommand: () => ({ kind: 'timeout' }) }),
  startStep: onStep({ toCommand: () => ({ kind: 'startStep' }) }),
  reportStepProgress: onStep({
    args: { percent: { type: 'Float', required: true }, message: { type: 'String' } },
    toCommand: (a) => ({ kind: 'reportProgress', percent: a.percent, message: a.message ?? null }),
  }),
  completeStep: onStep({ toCommand: () => ({ kind: 'completeStep' }) }),
  failStep: onStep({
    description: 'Fails the running step; with `retry: true` it goes back to PENDING with attempt + 1.',
    args: { error: { type: 'String', required: true }, retry: { type: 'Boolean' } },
    toCommand: (a) => ({ kind: 'failStep', error: a.error, retry: a.retry ?? false }),
  }),
  skipStep: onStep({
    args: { reason: { type: 'String' } },
    toCommand: (a) => ({ kind: 'skipStep', reason: a.reason ?? null }),
  }),
  requestApproval: onStep({
    description: 'Puts the step and its execution in WAITING_APPROVAL. With approvers, only they may approve or reject it; without, anyone may.',
    args: { approvers: { type: ['String'] }, message: { type: 'String' } },
    toCommand: (a) => ({ kind: 'requestApproval', approvers: a.approvers ?? [], message: a.message ?? null }),
  }),
  approveStep: onStep({
    description: 'Completes the gate step; the execution runs again. FORBIDDEN when the step names approvers and `by` is not one of them.',
    args: decisionArgs,
    toCommand: (a) => ({ kind: 'approve', by: a.by, comment: a.comment ?? null }),
  }),
  rejectStep: onStep({
    description: 'Fails the gate step with the rejection as its error. FORBIDDEN when the step names approvers and `by` is not one of them.',
    args: decisionArgs,
    toCommand: (a) => ({ kind: 'reject', by: a.by, comment: a.comment ?? null }),
  }),
};

type CommandName = keyof typeof engineCommands;
/** An entry as the builders below see it: arguments as GraphQL passes them. */
type AnyCommand = Omit<EngineCommand<unknown>, 'toCommand'> & { toCommand(args: Record<string, unknown>): unknown };
const commandEntries = Object.entries(engineCommands) as [CommandName, AnyCommand][];

/** A command's arguments as Pothos argument or input-field options: the target's id first. */
function fieldOptions(command: AnyCommand) {
  const options: Record<string, { type: ArgType | 'ID'; required: boolean; description?: string }> = {
    [command.target.idArg]: { type: 'ID', required: true },
  };
  for (const [name, { type, required = false, description }] of Object.entries(command.args)) {
    options[name] = { type, required, description };
  }
  return options;
}

const mapValues = <T, R>(record: Record<string, T>, f: (value: T) => R) =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));

const upperFirst = (name: string) => name[0]!.toUpperCase() + name.slice(1);

const StepInput = builder.inputType('StepInput', {
  fields: (t) => ({ name: t.string({ required: true }), type: t.string({ required: true }) }),
});

/** createExecution's one argument, and the `createExecution` field of IngestCommand. */
const CreateExecutionInput = builder.inputType('CreateExecutionInput', {
  fields: (t) => ({
    workflow: t.string({ required: true }),
    namespace: t.string(),
    externalId: t.string(),
    steps: t.field({ type: [StepInput], required: true }),
    labels: t.field({ type: 'JSON' }),
    slaMs: t.int(),
    timeoutMs: t.int(),
    queued: t.boolean({ description: 'true: create straight into QUEUED.' }),
  }),
});

builder.mutationField('createExecution', (t) =>
  t.field({
    type: ExecutionRef,
    description:
      'Idempotent with externalId: a repeat (same namespace, externalId and workflow) returns the existing execution; ' +
      'the same externalId with another workflow is CONFLICT.',
    args: { input: t.arg({ type: CreateExecutionInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.executions.createExecution(input, ctx.scope),
  }),
);

for (const [name, command] of commandEntries) {
  const { target } = command;
  builder.mutationField(name, (t) =>
    t.field({
      // Pothos cannot type a field built from data; the table's entries are typed instead.
      type: target.ref as typeof ExecutionRef,
      description: command.description,
      args: mapValues(fieldOptions(command), (options) => t.arg(options as never)),
      resolve: async (_root, args, ctx) => {
        const { execution, step } = await ctx.services.executions.one(toServiceCommand(name, args), ctx.scope);
        forgetChanged(ctx, { execution, step });
        // What the mutation returns (a step command's step), as the command left it, serves the rest of the operation.
        if (step) ctx.loaders.step.prime(step.id, step);
        else ctx.loaders.execution.prime(execution.id, execution);
        return (step ?? execution) as ExecutionRow;
      },
    }),
  );
}

/** Each command's IngestCommand field: its input type, holding the arguments of its mutation. */
export const ingestCommandInputs = {
  createExecution: CreateExecutionInput,
  ...(Object.fromEntries(
    commandEntries.map(([name, command]) => [
      name,
      builder.inputType(`${upperFirst(name)}Input`, {
        fields: (t) => mapValues(fieldOptions(command), (options) => t.field(options as never)),
      }),
    ]),
  ) as Record<CommandName, typeof CreateExecutionInput>),
};

/**
 * The service command for one IngestCommand field, or one mutation, and its arguments; throws
 * BAD_USER_INPUT when its id is not one.
 */
export function toServiceCommand(name: string, args: Record<string, unknown>): IngestCommand {
  if (name === 'createExecution') return { kind: 'createExecution', input: args as never };
  const command = engineCommands[name as CommandName] as AnyCommand;
  const { target } = command;
  return target.serviceCommand(parseId(String(args[target.idArg]), target.typename), command.toCommand(args));
}
