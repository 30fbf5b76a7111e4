/**
 * Silences: label matchers and a time window. A silenced alert is still recorded and listed, but
 * planning (src/services/notifications.ts) leaves it out of every notification while a silence
 * selects it. A key limited to namespaces makes silences confined to its namespaces.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { NamespaceScope } from '../db/query.js';
import type { AlertRow, SilenceRow } from '../db/schema.js';
import { activeSilences, expireSilence, insertSilence, listSilences, silencesByIds } from '../db/silences.js';
import { labelsOf } from '../domain/alerts.js';
import {
  ALERT_LABEL_NAMES,
  compileSelector,
  confineToNamespaces,
  MATCH_OPERATORS,
  silenceState,
  validateSilenceMatchers,
  validateSilenceWindow,
  type LabelTest,
  type Matcher,
  type SilenceState,
} from '../domain/notifications.js';
import { DomainError, notFound } from '../errors.js';
import { parseInput, type Clock } from './executions.js';

/** Who makes a silence or a route: its name, and the namespaces its key is limited to (null: none). */
export interface Creator {
  name: string;
  namespaces: readonly string[] | null;
}

export const matcherSchema = z.object({
  label: z.enum(ALERT_LABEL_NAMES),
  operator: z
    .enum(MATCH_OPERATORS)
    .nullish()
    .transform((operator) => operator ?? 'EQUAL'),
  value: z.string(),
});

const silenceInput = z.object({
  matchers: z.array(matcherSchema),
  startsAt: z.date().nullish(),
  endsAt: z.date(),
  comment: z.string().trim().max(1_000, 'must be at most 1000 characters').nullish(),
});
export type SilenceInput = z.input<typeof silenceInput>;

/** A key limited to namespaces must name them (= or =~ on namespace); the silence is then confined to those it admits. */
function confinement(matchers: readonly Matcher[], creator: Creator): string[] | null {
  if (creator.namespaces === null) return null;
  if (!matchers.some((m) => m.label === 'namespace' && (m.operator === 'EQUAL' || m.operator === 'REGEX'))) {
    throw new DomainError('FORBIDDEN', 'A key limited to namespaces must give a namespace matcher (EQUAL or REGEX) naming them', {
      field: 'matchers',
    });
  }
  return confineToNamespaces(matchers, creator.namespaces);
}

/** As src/db/silences.ts `visibleTo` decides in SQL: a key limited to namespaces sees the silences confined to some of them. */
export const silenceVisibleTo = (silence: SilenceRow, scope: NamespaceScope) =>
  scope === null || (silence.namespaces !== null && silence.namespaces.every((namespace) => scope.includes(namespace)));

/** Silences in force, compiled once to be tried against many alerts. */
export interface ActiveSilences {
  rows: readonly SilenceRow[];
  /** The silences that select this alert now: while any does, it notifies no one, not even of its resolution. */
  of(alert: AlertRow): SilenceRow[];
}

export function compileSilences(rows: readonly SilenceRow[]): ActiveSilences {
  const tests: [SilenceRow, LabelTest][] = rows.map((row) => [row, compileSelector(row)]);
  return {
    rows,
    of: (alert) => tests.filter(([, test]) => test(labelsOf(alert))).map(([row]) => row),
  };
}

export function createSilenceService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async create(raw: SilenceInput, creator: Creator): Promise<SilenceRow> {
      const input = parseInput(silenceInput, raw);
      const now = clock.now();
      validateSilenceMatchers(input.matchers);
      const startsAt = input.startsAt && input.startsAt > now ? input.startsAt : now;
      validateSilenceWindow(input.startsAt ?? now, input.endsAt, now);
      return insertSilence(db, {
        id: randomUUID(),
        matchers: input.matchers,
        namespaces: confinement(input.matchers, creator),
        startsAt,
        endsAt: input.endsAt,
        comment: input.comment || null,
        createdBy: creator.name,
        createdAt: now,
        updatedAt: now,
      });
    },

    list: (states: readonly SilenceState[], scope: NamespaceScope, after: { createdAt: Date; id: string } | null, limit: number) =>
      listSilences(db, { states, now: clock.now() }, scope, after, limit),

    byIds: (ids: readonly string[], scope: NamespaceScope) => silencesByIds(db, ids, scope),

    /** Ends it now; a silence that has already ended is returned as it is. */
    async expire(id: string, scope: NamespaceScope): Promise<SilenceRow> {
      const expired = await expireSilence(db, id, clock.now(), scope);
      if (expired) return expired;
      const [existing] = await silencesByIds(db, [id], scope);
      if (!existing) throw notFound('Silence', id);
      return existing;
    },

    /** The silences in force now, whoever may see them. */
    active: async (): Promise<ActiveSilences> => compileSilences(await activeSilences(db, clock.now())),

    state: (silence: SilenceRow) => silenceState(silence, clock.now()),
  };
}

export type SilenceService = ReturnType<typeof createSilenceService>;
