/**
 * The rules' settings: the defaults from the environment and each namespace's own values, read
 * once per round and changed through the API (the `alerts:write` scope or admin, namespace by
 * namespace; system-wide rules only by keys without a namespace limit).
 */
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { allRuleOverrides, deleteRuleOverride, ruleOverridesOf, upsertRuleOverride } from '../db/alert-settings.js';
import type { NamespaceScope } from '../db/query.js';
import type { AlertRuleSettingsRow } from '../db/schema.js';
import { effectiveSettings, overrideSchema, type EffectiveSettings, type RuleOverride, type RuleSettings } from '../domain/alert-settings.js';
import { SYSTEM_NAMESPACE } from '../domain/alerts.js';
import { badInput, DomainError } from '../errors.js';
import { ALERT_RULES, type AlertRule, type AlertRuleDefinition, type RoundSettings } from './alert-rules.js';
import { namespaceName, parseInput, type Clock } from './executions.js';

/** One rule's effective settings in one namespace, as the API shows them. */
export interface RuleSettingsView extends EffectiveSettings {
  rule: AlertRule;
  description: string;
  /** `_system` for system-wide rules; null for the defaults of a namespaced rule. */
  namespace: string | null;
  systemWide: boolean;
}

export type SetRuleInput = { namespace: string; rule: AlertRule } & RuleOverride;

const rules: readonly AlertRuleDefinition<AlertRule>[] = ALERT_RULES;
const ruleOf = (id: string) => rules.find((r) => r.id === id);
const overrideOf = (row: AlertRuleSettingsRow | undefined): RuleOverride | null => row ?? null;
const ownNamespace = (rule: AlertRuleDefinition, namespace: string | null) => (rule.systemWide ? SYSTEM_NAMESPACE : namespace);

/** Every namespace's settings, from the rows of overrides, as rounds read them. */
function roundSettings(defaults: ReadonlyMap<string, RuleSettings>, rows: readonly AlertRuleSettingsRow[]): RoundSettings {
  const settings = new Map<string, RuleSettings>();
  for (const row of rows) {
    const base = defaults.get(row.rule);
    if (base) settings.set(`${row.rule}|${row.namespace}`, effectiveSettings(base, row).settings);
  }
  const of = (rule: string, namespace: string | null) => settings.get(`${rule}|${namespace ?? SYSTEM_NAMESPACE}`) ?? defaults.get(rule)!;
  return {
    of,
    windows(rule, now) {
      const back = (ms: number | null) => new Date(now.getTime() - (ms ?? 0));
      const byNamespace = new Map(rows.filter((r) => r.rule === rule && r.windowMs !== null).map((r) => [r.namespace, back(of(rule, r.namespace).windowMs)]));
      return { fallback: back(defaults.get(rule)!.windowMs), byNamespace };
    },
  };
}

export function createAlertSettings(deps: { db: Db; clock: Clock; config: Pick<Config, 'alerts' | 'health'> }) {
  const { db, clock, config } = deps;
  const defaults = new Map(rules.map((r) => [r.id, r.defaults(config)]));

  function view(rule: AlertRuleDefinition<AlertRule>, namespace: string | null, row: AlertRuleSettingsRow | undefined): RuleSettingsView {
    const systemWide = rule.systemWide === true;
    const effective = effectiveSettings(defaults.get(rule.id)!, overrideOf(row));
    return { rule: rule.id, description: rule.description, namespace: ownNamespace(rule, namespace), systemWide, ...effective };
  }

  /** The rule, after checking that `scope` may change its settings in `namespace`. */
  function writable(ruleId: string, namespace: string, scope: NamespaceScope) {
    const rule = ruleOf(ruleId);
    if (!rule) throw badInput(`Unknown alert rule "${ruleId}"`, { field: 'rule' });
    if (rule.systemWide) {
      if (namespace !== SYSTEM_NAMESPACE) throw badInput(`${rule.id} is system-wide: its settings belong to namespace "${SYSTEM_NAMESPACE}"`, { field: 'namespace' });
      if (scope !== null) throw new DomainError('FORBIDDEN', `${rule.id} is system-wide: only a key not limited to namespaces may change it`);
    } else {
      parseInput(z.object({ namespace: namespaceName }), { namespace });
      if (scope !== null && !scope.includes(namespace)) throw new DomainError('FORBIDDEN', `You may not change the alert rules of namespace "${namespace}"`);
    }
    return rule;
  }

  async function viewOf(rule: AlertRuleDefinition<AlertRule>, namespace: string) {
    const rows = await ruleOverridesOf(db, namespace);
    return view(rule, namespace, rows.find((r) => r.rule === rule.id));
  }

  return {
    /** Every namespace's settings, read once for a round. */
    async forRound(): Promise<RoundSettings> {
      return roundSettings(defaults, await allRuleOverrides(db));
    },

    /** The defaults only: for what is judged while the database cannot be read. */
    defaultsOnly: () => roundSettings(defaults, []),

    /**
     * Every rule's effective settings in `namespace` (the defaults when null); system-wide rules
     * only for keys without a namespace limit. Another namespace of a limited key has none.
     */
    async list(namespace: string | null, scope: NamespaceScope): Promise<RuleSettingsView[]> {
      if (namespace !== null && scope !== null && !scope.includes(namespace)) return [];
      const rows = [...(namespace === null ? [] : await ruleOverridesOf(db, namespace)), ...(scope === null ? await ruleOverridesOf(db, SYSTEM_NAMESPACE) : [])];
      return rules
        .filter((rule) => !rule.systemWide || scope === null)
        .map((rule) => view(rule, namespace, rows.find((r) => r.rule === rule.id && r.namespace === ownNamespace(rule, namespace))));
    },

    /** Sets the given settings of a rule in a namespace (null: back to the default); every bad value is named in one error. */
    async set(input: SetRuleInput, scope: NamespaceScope): Promise<RuleSettingsView> {
      const { namespace, rule: ruleId, ...values } = input;
      const rule = writable(ruleId, namespace, scope);
      const override = parseInput(overrideSchema(rule.id, defaults.get(rule.id)!, rule.threshold, config.alerts.intervalMs), values) as RuleOverride;
      await upsertRuleOverride(db, namespace, rule.id, override, clock.now());
      return viewOf(rule, namespace);
    },

    /** Back to the defaults for every setting of a rule in a namespace. */
    async reset(namespace: string, ruleId: AlertRule, scope: NamespaceScope): Promise<RuleSettingsView> {
      const rule = writable(ruleId, namespace, scope);
      await deleteRuleOverride(db, namespace, rule.id);
      return view(rule, namespace, undefined);
    },
  };
}

export type AlertSettingsService = ReturnType<typeof createAlertSettings>;
