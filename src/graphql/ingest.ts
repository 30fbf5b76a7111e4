import type { IngestCommand, IngestOutcome } from '../services/executions.js';
import { badInput, DomainError } from '../errors.js';
import { builder } from './builder.js';
import { forgetChanged, ingestCommandInputs, toServiceCommand } from './commands.js';
import { ExecutionRef } from './execution.js';
import { StepRef } from './step.js';

const IngestCommandInput = builder.inputType('IngestCommand', {
  isOneOf: true,
  description: 'One engine command: exactly one field, named after its mutation and holding that mutation\'s arguments.',
  fields: (t) => Object.fromEntries(Object.entries(ingestCommandInputs).map(([name, type]) => [name, t.field({ type })])),
});

const IngestErrorRef = builder.objectRef<{ code: string; message: string }>('IngestError').implement({
  description: 'Why a command changed nothing: the code and message its mutation alone would have failed with.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'A stable code: BAD_USER_INPUT, NOT_FOUND, INVALID_TRANSITION, CONFLICT, FORBIDDEN, ...' }),
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

/** The service command for one GraphQL command, or its BAD_USER_INPUT (an id that is not one). */
function toCommand(command: object): IngestCommand | DomainError {
  // @oneOf: exactly one field is set (validation, and useCompiledExecution for variables).
  const [[name, args]] = Object.entries(command).filter(([, args]) => args != null) as [[string, Record<string, unknown>]];
  try {
    return toServiceCommand(name, args);
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
        if (outcome.ok) forgetChanged(ctx, outcome);
        return outcome;
      });
    },
  }),
);
