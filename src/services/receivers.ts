/**
 * Receivers (where notifications go) and routes (which alerts go to which receiver, grouped how).
 * A key limited to namespaces manages only receivers of its namespaces and routes confined to
 * them; system-wide receivers (no namespace) belong to keys without a limit.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import {
  deleteReceiver,
  deleteRoute,
  insertReceiver,
  insertRoute,
  listReceivers,
  listRoutes,
  receiversByIds,
  routesOfReceiver,
  updateReceiver,
  updateRoute,
} from '../db/notifications.js';
import type { NamespaceScope } from '../db/query.js';
import type { ReceiverRow, RouteRow } from '../db/schema.js';
import { RECEIVER_KINDS } from '../domain/notification-payloads.js';
import { ALERT_LABEL_NAMES, confineToNamespaces, validateMatchers, type Matcher } from '../domain/notifications.js';
import { badInput, DomainError, notFound } from '../errors.js';
import { namespaceName, parseInput, type Clock } from './executions.js';
import { matcherSchema, type Creator } from './silences.js';

const DAY_MS = 24 * 60 * 60_000;

const isHttpUrl = (value: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

// Messages never quote the URL or the secret: either may hold a credential.
const receiverFields = {
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  url: z.string().max(2_000, 'must be at most 2000 characters').refine(isHttpUrl, 'must be an http:// or https:// URL'),
  secret: z.string().min(16, 'must be at least 16 characters').max(512, 'must be at most 512 characters').nullish(),
  timeoutMs: z.number().int().min(100, 'must be at least 100 ms').max(120_000, 'must be at most 120000 ms').nullish(),
};
const createReceiverInput = z.object({ ...receiverFields, kind: z.enum(RECEIVER_KINDS), namespace: namespaceName.nullish() });
const updateReceiverInput = z.object(receiverFields).partial();
export type CreateReceiverInput = z.input<typeof createReceiverInput>;
export type UpdateReceiverInput = z.input<typeof updateReceiverInput>;

const routeFields = {
  receiverId: z.uuid(),
  matchers: z.array(matcherSchema),
  groupBy: z.array(z.enum(ALERT_LABEL_NAMES)).refine((names) => new Set(names).size === names.length, 'must not repeat a label'),
  groupWaitMs: z.number().int().min(0, 'must not be negative').max(DAY_MS, 'must be at most a day'),
  groupIntervalMs: z.number().int().min(1, 'must be positive').max(DAY_MS, 'must be at most a day'),
  repeatIntervalMs: z.number().int().min(1, 'must be positive').max(7 * DAY_MS, 'must be at most 7 days'),
  sendResolved: z.boolean(),
  continue: z.boolean(),
  position: z.number().int().min(0, 'must not be negative'),
};
const createRouteInput = z.object(routeFields).partial().required({ receiverId: true });
const updateRouteInput = z.object(routeFields).partial();
export type CreateRouteInput = z.input<typeof createRouteInput>;
export type UpdateRouteInput = z.input<typeof updateRouteInput>;

const forbidden = (message: string) => new DomainError('FORBIDDEN', message);

/** The namespace a new receiver belongs to: one of the creator's when it is limited to namespaces. */
function receiverNamespace(namespace: string | null | undefined, creator: Creator): string | null {
  if (creator.namespaces === null) return namespace ?? null;
  if (!namespace) throw forbidden('A key limited to namespaces must give the receiver one of its namespaces');
  if (!creator.namespaces.includes(namespace)) throw forbidden(`This API key may not manage namespace "${namespace}"`);
  return namespace;
}

/** The namespaces a route is confined to: its creator's and its receiver's (null: any). */
function routeNamespaces(matchers: readonly Matcher[], receiver: ReceiverRow, creator: Creator): string[] | null {
  const allowed = receiver.namespace !== null ? [receiver.namespace] : creator.namespaces;
  return allowed === null ? null : confineToNamespaces(matchers, allowed);
}

function checkTiming(route: Pick<RouteRow, 'groupIntervalMs' | 'repeatIntervalMs'>) {
  if (route.repeatIntervalMs < route.groupIntervalMs) throw badInput('repeatIntervalMs must be at least groupIntervalMs', { field: 'repeatIntervalMs' });
}

export function createReceiverService({ db, clock, config }: { db: Db; clock: Clock; config: Pick<Config, 'notifications'> }) {
  async function visibleReceiver(id: string, scope: NamespaceScope) {
    const [receiver] = await receiversByIds(db, [id], scope);
    if (!receiver) throw notFound('AlertReceiver', id);
    return receiver;
  }

  return {
    listReceivers: (scope: NamespaceScope) => listReceivers(db, scope),
    receiversByIds: (ids: readonly string[], scope: NamespaceScope) => receiversByIds(db, ids, scope),

    async createReceiver(raw: CreateReceiverInput, creator: Creator): Promise<ReceiverRow> {
      const input = parseInput(createReceiverInput, raw);
      const now = clock.now();
      return insertReceiver(db, {
        id: randomUUID(),
        name: input.name,
        kind: input.kind,
        url: input.url,
        secret: input.secret ?? null,
        timeoutMs: input.timeoutMs ?? null,
        namespace: receiverNamespace(input.namespace, creator),
        createdAt: now,
        updatedAt: now,
      }).catch((error: unknown) => {
        throw isUniqueViolation(error) ? badInput(`A receiver named "${input.name}" already exists here`, { field: 'name' }) : error;
      });
    },

    /** Fields left out stay as they are; `secret: null` removes the secret, `timeoutMs: null` goes back to the default. */
    async updateReceiver(id: string, raw: UpdateReceiverInput, scope: NamespaceScope): Promise<ReceiverRow> {
      const input = parseInput(updateReceiverInput, raw);
      const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
      const updated = await updateReceiver(db, id, { ...changes, updatedAt: clock.now() }, scope).catch((error: unknown) => {
        throw isUniqueViolation(error) ? badInput(`A receiver named "${input.name}" already exists here`, { field: 'name' }) : error;
      });
      if (!updated) throw notFound('AlertReceiver', id);
      return updated;
    },

    /** Its pending and past deliveries go with it; a receiver that routes still use cannot go. */
    async deleteReceiver(id: string, scope: NamespaceScope): Promise<ReceiverRow> {
      await visibleReceiver(id, scope);
      if ((await routesOfReceiver(db, id)).length > 0) throw badInput('Routes still send to this receiver: delete or change them first', { field: 'id' });
      const deleted = await deleteReceiver(db, id, scope);
      if (!deleted) throw notFound('AlertReceiver', id);
      return deleted;
    },

    listRoutes: (scope: NamespaceScope) => listRoutes(db, scope),

    async createRoute(raw: CreateRouteInput, creator: Creator, scope: NamespaceScope): Promise<RouteRow> {
      const input = parseInput(createRouteInput, raw);
      const matchers = input.matchers ?? [];
      validateMatchers(matchers);
      const receiver = await visibleReceiver(input.receiverId, scope);
      const now = clock.now();
      const defaults = config.notifications;
      const route: RouteRow = {
        id: randomUUID(),
        receiverId: receiver.id,
        matchers,
        namespaces: routeNamespaces(matchers, receiver, creator),
        groupBy: input.groupBy ?? ['rule', 'namespace'],
        groupWaitMs: input.groupWaitMs ?? defaults.groupWaitMs,
        groupIntervalMs: input.groupIntervalMs ?? defaults.groupIntervalMs,
        repeatIntervalMs: input.repeatIntervalMs ?? Math.max(defaults.repeatIntervalMs, input.groupIntervalMs ?? 0),
        sendResolved: input.sendResolved ?? true,
        continue: input.continue ?? false,
        position: input.position ?? (await listRoutes(db, null)).reduce((last, r) => Math.max(last, r.position + 1), 0),
        createdAt: now,
        updatedAt: now,
      };
      checkTiming(route);
      return insertRoute(db, route);
    },

    async updateRoute(id: string, raw: UpdateRouteInput, creator: Creator, scope: NamespaceScope): Promise<RouteRow> {
      const input = parseInput(updateRouteInput, raw);
      const [current] = (await listRoutes(db, scope)).filter((r) => r.id === id);
      if (!current) throw notFound('AlertRoute', id);
      const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<RouteRow>;
      const next = { ...current, ...changes };
      validateMatchers(next.matchers);
      checkTiming(next);
      const receiver = await visibleReceiver(next.receiverId, scope);
      const updated = await updateRoute(db, id, { ...changes, namespaces: routeNamespaces(next.matchers, receiver, creator), updatedAt: clock.now() }, scope);
      if (!updated) throw notFound('AlertRoute', id);
      return updated;
    },

    /** Its open groups go with it. */
    async deleteRoute(id: string, scope: NamespaceScope): Promise<RouteRow> {
      const deleted = await deleteRoute(db, id, scope);
      if (!deleted) throw notFound('AlertRoute', id);
      return deleted;
    },
  };
}

export type ReceiverService = ReturnType<typeof createReceiverService>;

/** Postgres' unique_violation, through Drizzle's wrapping. */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if ((e as { code?: string }).code === '23505') return true;
  return false;
}
