import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { NamespaceScope } from '../db/repository.js';
import { events, executions, steps, type ExecutionRow, type StepRow } from '../db/schema.js';
import {
  applyExecutionCommand,
  applyStepCommand,
  type Change,
  type ExecutionCommand,
  type NewEvent,
  type StepCommand,
  type StepPatch,
} from '../domain/lifecycle.js';
import { changeDelta, createdDelta } from '../domain/metrics.js';
import { badInput, DomainError, notFound } from '../errors.js';
import { encodeWakeUp, WAKE_UP_CHANNEL, type EventBus } from './bus.js';
import { writeRollups } from './rollups.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

const namespaceName = z
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

/** Parses with zod and turns every problem into one BAD_USER_INPUT naming the fields. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw badInput(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
}

const inScope = (scope: NamespaceScope, namespace: string) => scope === null || scope.includes(namespace);

/**
 * The engine's write path. Each command runs in one transaction that locks the execution, applies
 * the pure lifecycle rules, writes the new state and its events with the next seqs, then wakes
 * subscribers after commit.
 */
export function createExecutionService(deps: { db: Db; bus: EventBus; clock: Clock; crossInstance: boolean }) {
  const { db, bus, clock } = deps;

  /** The event insert (and the NOTIFY), issued without waiting so they share a round trip with other writes. */
  function insertEvents(tx: Db, execution: { id: string; namespace: string }, firstSeq: number, newEvents: NewEvent[], now: Date) {
    const writes: PromiseLike<unknown>[] = [
      tx.insert(events).values(
        newEvents.map((event, i) => ({
          namespace: execution.namespace,
          executionId: execution.id,
          stepId: event.stepId ?? null,
          seq: firstSeq + i,
          type: event.type,
          data: event.data,
          timestamp: now,
        })),
      ),
    ];
    if (deps.crossInstance) {
      const payload = encodeWakeUp({ namespace: execution.namespace, executionId: execution.id });
      writes.push(tx.execute(sql`select pg_notify(${WAKE_UP_CHANNEL}, ${payload})`));
    }
    return Promise.all(writes);
  }

  async function createExecution(rawInput: CreateExecutionInput, scope: NamespaceScope = null): Promise<ExecutionRow> {
    const input = parseInput(createInput, rawInput);
    if (!inScope(scope, input.namespace)) {
      throw new DomainError('FORBIDDEN', `You may not write to namespace "${input.namespace}"`);
    }
    const now = clock.now();
    const id = randomUUID();
    const newEvents: NewEvent[] = [
      { type: 'EXECUTION_CREATED', data: { workflow: input.workflow, steps: input.steps.length } },
    ];
    if (input.queued) newEvents.push({ type: 'EXECUTION_QUEUED', data: {} });

    const created = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(executions)
        .values({
          id,
          namespace: input.namespace,
          workflow: input.workflow,
          externalId: input.externalId ?? null,
          status: input.queued ? 'QUEUED' : 'PENDING',
          labels: input.labels ?? null,
          slaMs: input.slaMs ?? null,
          timeoutMs: input.timeoutMs ?? null,
          createdAt: now,
          queuedAt: input.queued ? now : null,
          updatedAt: now,
          lastSeq: newEvents.length,
        })
        .onConflictDoNothing({ target: [executions.namespace, executions.externalId] })
        .returning();
      if (!row) return null;
      if (input.steps.length > 0) {
        await tx.insert(steps).values(
          input.steps.map((step, position) => ({
            id: randomUUID(),
            executionId: id,
            position,
            name: step.name,
            type: step.type,
            status: 'PENDING' as const,
          })),
        );
      }
      await writeRollups(tx as unknown as Db, createdDelta(row, input.steps));
      await insertEvents(tx as unknown as Db, row, 1, newEvents, now);
      return row;
    });
    if (created) {
      bus.publish({ namespace: created.namespace, executionId: created.id });
      return created;
    }
    const [existing] = await db
      .select()
      .from(executions)
      .where(and(eq(executions.namespace, input.namespace), eq(executions.externalId, input.externalId!)));
    if (!existing) throw new Error('createExecution conflicted but found no existing execution');
    return existing;
  }

  /**
   * Runs `decide` on the locked execution and writes what it returns. The target is the execution
   * or one of its steps (then the step lookup rides along with the lock).
   *
   * Round trips: statements issued together are pipelined on the transaction's connection and run
   * in the order issued, so the lock, then both reads (each with a snapshot taken after the lock is
   * held) share one round trip, and every write of the change shares the next.
   */
  async function change<T>(
    target: { executionId: string } | { stepId: string },
    scope: NamespaceScope,
    missing: () => Error,
    decide: (execution: ExecutionRow, steps: StepRow[], now: Date) => Change | null,
    pick: (execution: ExecutionRow, steps: StepRow[]) => T,
  ): Promise<T> {
    const result = await db.transaction(async (tx) => {
      // An advisory lock, not FOR UPDATE: it is taken before this transaction gets an xid, so
      // writers of one execution get increasing xids and feeds keep its events in seq order.
      // A step's execution_id never changes, so reading it in the locking statement is safe.
      const lock =
        'executionId' in target
          ? tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${target.executionId}, 0))`)
          : tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${steps.executionId}::text, 0)) from ${steps} where ${steps.id} = ${target.stepId}`);
      const executionId =
        'executionId' in target ? sql`${target.executionId}` : sql`(select ${steps.executionId} from ${steps} where ${steps.id} = ${target.stepId})`;
      const [, [execution], stepRows] = await Promise.all([
        lock,
        tx.select().from(executions).where(sql`${executions.id} = ${executionId}`),
        tx.select().from(steps).where(sql`${steps.executionId} = ${executionId}`).orderBy(asc(steps.position)),
      ]);
      if (!execution || !inScope(scope, execution.namespace)) throw missing();
      const now = clock.now();
      const decided = decide(execution, stepRows, now);
      if (!decided) return { changed: false, execution, stepRows };

      const lastSeq = execution.lastSeq + decided.events.length;
      const next: ExecutionRow = { ...execution, ...decided.execution, updatedAt: now, lastSeq };
      const [[updated]] = await Promise.all([
        tx.update(executions).set({ ...decided.execution, updatedAt: now, lastSeq }).where(eq(executions.id, execution.id)).returning(),
        ...[...groupIdenticalPatches(decided.steps)].map(([patch, ids]) => tx.update(steps).set(patch).where(inArray(steps.id, ids))),
        writeRollups(tx as unknown as Db, changeDelta(execution, next, stepRows, decided.steps)),
        insertEvents(tx as unknown as Db, execution, execution.lastSeq + 1, decided.events, now),
      ]);
      const patchedSteps = stepRows.map((s) => ({ ...s, ...decided.steps.get(s.id) }));
      return { changed: true, execution: updated!, stepRows: patchedSteps };
    });
    if (result.changed) bus.publish({ namespace: result.execution.namespace, executionId: result.execution.id });
    return pick(result.execution, result.stepRows);
  }

  return {
    createExecution,

    executionCommand(executionId: string, command: ExecutionCommand, scope: NamespaceScope = null) {
      return change(
        { executionId },
        scope,
        () => notFound('Execution', executionId),
        (execution, stepRows, now) => applyExecutionCommand(execution, stepRows, command, now),
        (execution) => execution,
      );
    },

    stepCommand(stepId: string, command: StepCommand, scope: NamespaceScope = null) {
      return change(
        { stepId },
        scope,
        () => notFound('Step', stepId),
        (execution, stepRows, now) => {
          const step = stepRows.find((s) => s.id === stepId)!;
          return applyStepCommand(execution, stepRows, step, command, now);
        },
        (_execution, stepRows) => stepRows.find((s) => s.id === stepId)!,
      );
    },
  };
}

export type ExecutionService = ReturnType<typeof createExecutionService>;

function groupIdenticalPatches(patches: Map<string, StepPatch>): Map<StepPatch, string[]> {
  const byKey = new Map<string, { patch: StepPatch; ids: string[] }>();
  for (const [id, patch] of patches) {
    const key = JSON.stringify(patch);
    const group = byKey.get(key) ?? { patch, ids: [] };
    group.ids.push(id);
    byKey.set(key, group);
  }
  return new Map([...byKey.values()].map((g) => [g.patch, g.ids]));
}
