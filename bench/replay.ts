/**
 * The direct baselines of the write benchmarks (bench/ingest.ts, bench/concurrency.ts): the exact
 * statements the server issued for a template request, captured through its Drizzle logger, replayed
 * with postgres.js with the ids (and seqs) swapped.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { Database } from '../src/db/client.js';

export interface Statement {
  text: string;
  params: unknown[];
}
/** One request's statements, split at its write transaction. */
export interface Command {
  before: Statement[];
  tx: Statement[];
  after: Statement[];
}

/** The uuid inside a global id. */
export const decode = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

export const statementCount = (c: Command) => c.before.length + c.tx.length + c.after.length;

export function graphqlClient(url: string) {
  return async function gql<T = Record<string, { id: string; steps?: { id: string }[] }>>(query: string, variables: object): Promise<T> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
}

/** Statements one HTTP request issues, split at the write transaction (lock or insert .. the events insert, its last). */
export function statementCapture(db: Database) {
  return async function capture(run: () => Promise<unknown>): Promise<Command> {
    const seen: Statement[] = [];
    db.statements.onQuery = (text, params) => {
      if (!text.includes('pg_snapshot_xmin')) seen.push({ text, params: [...params] });
    };
    await run();
    await new Promise((r) => setTimeout(r, 30));
    db.statements.onQuery = undefined;
    const start = seen.findIndex((s) => s.text.startsWith('select pg_advisory_xact_lock') || s.text.startsWith('insert into "executions"'));
    const end = seen.findIndex((s) => s.text.startsWith('insert into "events"'));
    if (start < 0 || end < start) throw new Error(`no write transaction in ${seen.map((s) => s.text.slice(0, 60)).join(' | ')}`);
    return { before: seen.slice(0, start), tx: seen.slice(start, end + 1), after: seen.slice(end + 1) };
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The parameters with the template's ids swapped (also inside arrays and JSON text), and one seq for another. */
export function substitute(params: unknown[], ids: Map<string, string>, seqs?: { from: number; to: number }): unknown[] {
  const swap = (p: unknown): unknown => {
    if (Array.isArray(p)) return p.map(swap);
    if (seqs && (p === seqs.from || p === String(seqs.from))) return typeof p === 'number' ? seqs.to : String(seqs.to);
    if (typeof p !== 'string') return p;
    return p.replace(UUID, (id) => ids.get(id) ?? id);
  };
  return params.map(swap);
}

/**
 * Replays a captured command. With `notifyInTransaction`, the write transaction also sends one
 * NOTIFY (a wake-up for the one execution a lifecycle command changes) before it commits (the shape of the write path before wake-ups
 * left the transaction), to a channel nobody listens on.
 */
export function replayer(sql: postgres.Sql, options: { notifyInTransaction?: boolean } = {}) {
  const run = (client: postgres.Sql | postgres.TransactionSql, s: Statement, ids: Map<string, string>, seqs?: { from: number; to: number }) =>
    client.unsafe(s.text, substitute(s.params, ids, seqs) as never[], { prepare: true });
  return async function replay(command: Command, ids: Map<string, string>, seqs?: { from: number; to: number }) {
    for (const s of command.before) await run(sql, s, ids, seqs);
    // Every statement's parameters are known up front: all of them pipelined in one round trip
    // (the backend still runs them in order), the best a direct client can do.
    await sql.begin((tx) => {
      const statements = command.tx.map((s) => run(tx, s, ids, seqs));
      if (options.notifyInTransaction) {
        statements.push(tx`select pg_notify('runwatch_bench_nobody', ${`bench:${randomUUID()}`})`);
      }
      return Promise.all(statements);
    });
    for (const s of command.after) await run(sql, s, ids, seqs);
  };
}

/** `connections` loops calling `body(next request number, loop number)` for `seconds`; returns calls/s. */
export async function closedLoop(connections: number, seconds: number, body: (i: number, connection: number) => Promise<unknown>) {
  let done = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, connection) => {
      while (performance.now() < deadline) {
        await body(next++, connection);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const PROGRESS = 'mutation($id: ID!, $p: Float!) { reportStepProgress(stepId: $id, percent: $p) { id } }';

/**
 * One whole lifecycle over HTTP, captured request by request: create with `steps` steps, start,
 * per step start/progress/complete, complete. Returns the commands and the template's ids
 * (execution, then steps) that a replay swaps.
 */
export async function captureLifecycle(url: string, db: Database, steps: number) {
  const gql = graphqlClient(url);
  const capture = statementCapture(db);
  const commands: Command[] = [];
  let created: { id: string; steps: { id: string }[] } | undefined;
  commands.push(
    await capture(async () => {
      created = (
        await gql<{ createExecution: { id: string; steps: { id: string }[] } }>(
          'mutation($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id } } }',
          { input: { workflow: 'ingest-0', namespace: 'bench', steps: Array.from({ length: steps }, (_, i) => ({ name: `s${i}`, type: 'script' })) } },
        )
      ).createExecution;
    }),
  );
  const templateIds = [decode(created!.id), ...created!.steps.map((s) => decode(s.id))];
  commands.push(await capture(() => gql('mutation($id: ID!) { startExecution(id: $id) { id } }', { id: created!.id })));
  for (const step of created!.steps) {
    commands.push(await capture(() => gql('mutation($id: ID!) { startStep(stepId: $id) { id } }', { id: step.id })));
    commands.push(await capture(() => gql(PROGRESS, { id: step.id, p: 50 })));
    commands.push(await capture(() => gql('mutation($id: ID!) { completeStep(stepId: $id) { id } }', { id: step.id })));
  }
  commands.push(await capture(() => gql('mutation($id: ID!) { completeExecution(id: $id) { id } }', { id: created!.id })));
  return { commands, templateIds };
}
