import type { Db } from './client.js';
import { eventReads } from './events.js';
import { executionReads } from './executions.js';
import { retentionHorizon } from './retention.js';

export type { NamespaceScope } from './query.js';
export type { EventFilter } from './events.js';
export type { ExecutionFilter } from './executions.js';

/** Every read the API's loaders and live feeds make of executions, steps and events, and how far back the events go. */
export const createRepository = (db: Db) => ({ ...executionReads(db), ...eventReads(db), retentionHorizon: () => retentionHorizon(db) });

export type Repository = ReturnType<typeof createRepository>;
