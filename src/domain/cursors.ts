import { badInput } from '../errors.js';

/** Position in the event log: events are ordered by (txId, id). */
export interface EventPosition {
  txId: number;
  id: number;
}

/** Position in the newest-first executions list. */
export interface ExecutionPosition {
  createdAt: Date;
  id: string;
}

/** Feed order: by transaction id, then event id. */
export const compareEventPositions = (a: EventPosition, b: EventPosition) => a.txId - b.txId || a.id - b.id;

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const decode = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor this API never returned (garbage or tampered with). */
export const invalidCursor = (cursor: string) =>
  badInput(`"${cursor.slice(0, 80)}" is not a valid cursor; pass a cursor this API returned`, { field: 'after' });

/** A well-formed cursor naming nothing the caller may see (gone, never there, or another namespace's): every `after` answers so. */
export const cursorNotFound = () =>
  badInput('The cursor names an item that no longer exists; start again without `after` or from a newer cursor', {
    field: 'after',
    reason: 'CURSOR_NOT_FOUND',
  });

export const encodeEventCursor = (p: EventPosition) => encode(`ev:${p.txId}:${p.id}`);

export function decodeEventCursor(cursor: string): EventPosition {
  const match = /^ev:(\d{1,19}):(\d{1,19})$/.exec(decode(cursor));
  if (!match) throw invalidCursor(cursor);
  const txId = Number(match[1]);
  const id = Number(match[2]);
  if (!Number.isSafeInteger(txId) || !Number.isSafeInteger(id)) throw invalidCursor(cursor);
  return { txId, id };
}

export const encodeExecutionCursor = (p: ExecutionPosition) => encode(`ex:${p.createdAt.getTime()}:${p.id}`);

export function decodeExecutionCursor(cursor: string): ExecutionPosition {
  const match = /^ex:(\d{1,15}):(.+)$/.exec(decode(cursor));
  if (!match || !UUID.test(match[2]!)) throw invalidCursor(cursor);
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

export const isUuid = (value: string) => UUID.test(value);
