import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { NamespaceScope } from '../db/repository.js';
import type { ExecutionRow, StepRow } from '../db/schema.js';
import {
  applyExecutionCommand,
  applyStepCommand,
  type Change,
  type ExecutionCommand,
  type NewEvent,
  type ObservationCommand,
  type StepCommand,
} from '../domain/lifecycle.js';
import { changeDelta, createdDelta, type RollupDelta } from '../domain/metrics.js';
import { badInput, conflict, DomainError, notFound } from '../errors.js';
import type { EventBus } from './bus.js';
import { lockAndLoad, writeBatch, type BatchWrites, type Targets } from '../db/executions.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export const namespaceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_", ":" or "-"');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const positiveMs = z.number().int().positive('must be a positive number of milliseconds');

const createInput = z.object({
  workflow: text(200),
  namespace: namespaceName.nullish().transform((v) => v ?? 'default'),
  externalId: text(200).nullish(),
  steps: z.array(z.object({ name: text(200), type: text(64) })).max(1000, 'at most 1000 steps'),
  labels: z
    .unknown()
    .refine((v) => v == null || (typeof v === 'object' && !Array.isArray(v)), 'must be a JSON object')
    .refine((v) => v == null || JSON.stringify(v).length <= 16_384, 'must serialise to at most 16 KiB')
    .optional(),
  slaMs: positiveMs.nullish(),
  timeoutMs: positiveMs.nullish(),
  queued: z.boolean().nullish(),
});
export type CreateExecutionInput = z.input<typeof createInput>;
type ValidCreateInput = z.output<typeof createInput>;

/** Parses with zod and turns every problem into one BAD_USER_INPUT naming the fields. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw badInput(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
}

const inScope = (scope: NamespaceScope, namespace: string) => scope === null || scope.includes(namespace);

/** One engine command; ids are database ids. */
export type IngestCommand =
  | { kind: 'createExecution'; input: CreateExecutionInput }
  | { kind: 'executionCommand'; executionId: string; command: ExecutionCommand | ObservationCommand }
  | { kind: 'stepCommand'; stepId: string; command: StepCommand };

/** A command ready to apply: a create's input already parsed (outside the transaction), or why it cannot apply. */
type PreparedCommand =
  | Exclude<IngestCommand, { kind: 'createExecution' }>
  | { kind: 'createExecution'; input: ValidCreateInput }
  | { kind: 'invalid'; error: DomainError };

/** A command's result: the execution (and step) as the command left them, or why it changed nothing. */
export type IngestOutcome =
  | { ok: true; execution: ExecutionRow; step: StepRow | null }
  | { ok: false; error: DomainError };

const externalKey = (namespace: string, externalId: string) => JSON.stringify([namespace, externalId]);

/**
 * A batch's executions as its commands so far have left them, and everything those commands
 * wrote: commands apply in memory, one after the other, and the batch is written at the end.
 */
class Batch {
  readonly executions = new Map<string, ExecutionRow>();
  /** Steps by execution id, in position order. */
  readonly steps = new Map<string, StepRow[]>();
  readonly executionOfStep = new Map<string, string>();
  /** Execution ids by namespace and external id. */
  readonly byExternalId = new Map<string, string>();
  readonly created = new Set<string>();
  /** Changed executions, in the order of their first change. */
  readonly changed = new Set<string>();
  readonly changedSteps = new Set<string>();
  readonly events: BatchWrites['events'] = [];
  readonly deltas: RollupDelta[] = [];

  constructor(
    loaded: { executions: ExecutionRow[]; steps: StepRow[] },
    readonly scope: NamespaceScope,
    readonly now: Date,
  ) {
    for (const execution of loaded.executions) this.remember(execution, []);
    for (const step of loaded.steps) {
      this.steps.get(step.executionId)!.push(step);
      this.executionOfStep.set(step.id, step.executionId);
    }
  }

  private remember(execution: ExecutionRow, steps: StepRow[]) {
    this.executions.set(execution.id, execution);
    if (!this.steps.has(execution.id)) this.steps.set(execution.id, steps);
    if (execution.externalId !== null) this.byExternalId.set(externalKey(execution.namespace, execution.externalId), execution.id);
  }

  apply(command: PreparedCommand): IngestOutcome {
    try {
      if (command.kind === 'invalid') throw command.error;
      if (command.kind === 'createExecution') return { ok: true, execution: this.create(command.input), step: null };
      if (command.kind === 'executionCommand') {
        const { executionId } = command;
        const execution = this.change(executionId, () => notFound('Execution', executionId), (e, steps) =>
          applyExecutionCommand(e, steps, command.command, this.now),
        );
        return { ok: true, execution, step: null };
      }
      const { stepId } = command;
      const stepOf = (steps: StepRow[]) => steps.find((s) => s.id === stepId)!;
      const execution = this.change(this.executionOfStep.get(stepId), () => notFound('Step', stepId), (e, steps) =>
        applyStepCommand(e, steps, stepOf(steps), command.command, this.now),
      );
      return { ok: true, execution, step: stepOf(this.steps.get(execution.id)!) };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error };
      throw error;
    }
  }

  private create(input: ValidCreateInput): ExecutionRow {
    const existingId = input.externalId ? this.byExternalId.get(externalKey(input.namespace, input.externalId)) : undefined;
    if (existingId) {
      const existing = this.executions.get(existingId)!;
      if (existing.workflow === input.workflow) return existing;
      throw conflict(
        `externalId "${input.externalId}" already names an execution of workflow "${existing.workflow}" in namespace "${input.namespace}"; ` +
          'a repeat must name the same workflow, another run needs another externalId',
        { field: 'externalId', workflow: existing.workflow },
      );
    }
    const now = this.now;
    const execution: ExecutionRow = {
      id: randomUUID(),
      namespace: input.namespace,
      workflow: input.workflow,
      externalId: input.externalId ?? null,
      status: input.queued ? 'QUEUED' : 'PENDING',
      labels: input.labels ?? null,
      error: null,
      slaMs: input.slaMs ?? null,
      timeoutMs: input.timeoutMs ?? null,
      createdAt: now,
      queuedAt: input.queued ? now : null,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
      lastSeq: 0,
      slaBreachedAt: null,
      timeoutBreachedAt: null,
    };
    const steps: StepRow[] = input.steps.map((step, position) => ({
      id: randomUUID(),
      executionId: execution.id,
      executionCreatedAt: now,
      position,
      name: step.name,
      type: step.type,
      status: 'PENDING',
      progressPercent: 0,
      message: null,
      attempt: 1,
      error: null,
      decision: null,
      approvers: null,
      startedAt: null,
      finishedAt: null,
    }));
    const newEvents: NewEvent[] = [{ type: 'EXECUTION_CREATED', data: { workflow: input.workflow, steps: steps.length } }];
    if (input.queued) newEvents.push({ type: 'EXECUTION_QUEUED', data: {} });
    this.remember(execution, steps);
    for (const step of steps) this.executionOfStep.set(step.id, execution.id);
    this.created.add(execution.id);
    this.deltas.push(createdDelta(execution, steps));
    return this.record(execution, newEvents);
  }

  /** Runs `decide` on the execution's current state and keeps what it changes. */
  private change(
    executionId: string | undefined,
    missing: () => DomainError,
    decide: (execution: ExecutionRow, steps: StepRow[]) => Change | null,
  ): ExecutionRow {
    const execution = executionId === undefined ? undefined : this.executions.get(executionId);
    if (!execution || !inScope(this.scope, execution.namespace)) throw missing();
    const steps = this.steps.get(execution.id)!;
    const decided = decide(execution, steps);
    if (!decided) return execution;
    const next: ExecutionRow = { ...execution, ...decided.execution, updatedAt: decided.observed ? execution.updatedAt : this.now };
    this.steps.set(
      execution.id,
      steps.map((step) => {
        const patch = decided.steps.get(step.id);
        if (!patch) return step;
        this.changedSteps.add(step.id);
        return { ...step, ...patch };
      }),
    );
    const delta = changeDelta(execution, next, steps, decided.steps);
    if (delta) this.deltas.push(delta);
    return this.record(next, decided.events);
  }

  /** Appends the events with the execution's next seqs and keeps its new state. */
  private record(execution: ExecutionRow, newEvents: NewEvent[]): ExecutionRow {
    const next = { ...execution, lastSeq: execution.lastSeq + newEvents.length };
    newEvents.forEach((event, i) =>
      this.events.push({
        namespace: execution.namespace,
        executionId: execution.id,
        stepId: event.stepId ?? null,
        seq: execution.lastSeq + 1 + i,
        type: event.type,
        data: event.data,
        timestamp: this.now,
      }),
    );
    this.remember(next, []);
    this.changed.add(next.id);
    return next;
  }

  writes(): BatchWrites {
    const changed = [...this.changed].map((id) => this.executions.get(id)!);
    const isNew = (executionId: string) => this.created.has(executionId);
    return {
      createdExecutions: changed.filter((e) => isNew(e.id)),
      createdSteps: changed.filter((e) => isNew(e.id)).flatMap((e) => this.steps.get(e.id)!),
      changedExecutions: changed.filter((e) => !isNew(e.id)),
      changedSteps: changed.filter((e) => !isNew(e.id)).flatMap((e) => this.steps.get(e.id)!.filter((s) => this.changedSteps.has(s.id))),
      events: this.events,
      deltas: this.deltas,
    };
  }
}

function prepare(command: IngestCommand, scope: NamespaceScope): PreparedCommand {
  if (command.kind !== 'createExecution') return command;
  try {
    const input = parseInput(createInput, command.input);
    if (!inScope(scope, input.namespace)) {
      throw new DomainError('FORBIDDEN', `You may not write to namespace "${input.namespace}"`);
    }
    return { kind: 'createExecution', input };
  } catch (error) {
    if (error instanceof DomainError) return { kind: 'invalid', error };
    throw error;
  }
}

/** What a batch must lock and read before its commands can apply. */
function targetsOf(commands: readonly PreparedCommand[]): Targets {
  const targets: Targets = { executionIds: [], stepIds: [], externalIds: [] };
  for (const command of commands) {
    if (command.kind === 'executionCommand') targets.executionIds.push(command.executionId);
    else if (command.kind === 'stepCommand') targets.stepIds.push(command.stepId);
    else if (command.kind === 'createExecution' && command.input.externalId) {
      targets.externalIds.push({ namespace: command.input.namespace, externalId: command.input.externalId });
    }
  }
  return targets;
}

/**
 * The engine's write path. A batch of commands runs in one transaction: it locks every execution
 * the commands name, reads them, applies the pure lifecycle rules in memory in command order (each
 * command sees what the ones before it did), writes the new state, events (gap-free seqs) and
 * rollups in a fixed number of statements, then wakes subscribers after commit. A command that
 * fails changes nothing and the others still apply. Single mutations are batches of one.
 */
export function createExecutionService(deps: { db: Db; bus: EventBus; clock: Clock }) {
  const { db, bus, clock } = deps;

  async function ingest(commands: readonly IngestCommand[], scope: NamespaceScope = null): Promise<IngestOutcome[]> {
    const prepared = commands.map((command) => prepare(command, scope));
    if (prepared.every((command) => command.kind === 'invalid')) return prepared.map((command) => ({ ok: false, error: command.error }));
    const targets = targetsOf(prepared);
    const { batch, outcomes } = await db.transaction(async (tx) => {
      const batch = new Batch(await lockAndLoad(tx as unknown as Db, targets), scope, clock.now());
      const outcomes = prepared.map((command) => batch.apply(command));
      await writeBatch(tx as unknown as Db, batch.writes());
      return { batch, outcomes };
    });
    for (const id of batch.changed) bus.publish({ namespace: batch.executions.get(id)!.namespace, executionId: id });
    return outcomes;
  }

  /** One command as a batch of one: what it left, or its error thrown. */
  async function one(command: IngestCommand, scope: NamespaceScope = null) {
    const [outcome] = await ingest([command], scope);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!;
  }

  return {
    ingest,
    one,

    async createExecution(input: CreateExecutionInput, scope: NamespaceScope = null): Promise<ExecutionRow> {
      return (await one({ kind: 'createExecution', input }, scope)).execution;
    },

    async executionCommand(executionId: string, command: ExecutionCommand, scope: NamespaceScope = null): Promise<ExecutionRow> {
      return (await one({ kind: 'executionCommand', executionId, command }, scope)).execution;
    },

    async stepCommand(stepId: string, command: StepCommand, scope: NamespaceScope = null): Promise<StepRow> {
      return (await one({ kind: 'stepCommand', stepId, command }, scope)).step!;
    },
  };
}

export type ExecutionService = ReturnType<typeof createExecutionService>;
