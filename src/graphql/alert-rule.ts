import type { SettingName, SettingSource } from '../domain/alert-settings.js';
import type { AlertSeverity } from '../domain/alerts.js';
import { ALERT_RULE_IDS, type AlertRule } from '../services/alert-rules.js';
import type { RuleSettingsView } from '../services/alert-settings.js';
import { AlertSeverityEnum } from './alert.js';
import { builder } from './builder.js';

const AlertRuleNameEnum = builder.enumType('AlertRuleName', { values: ALERT_RULE_IDS });
const SettingSourceEnum = builder.enumType('AlertSettingSource', {
  values: ['DEFAULT', 'NAMESPACE'] as const satisfies readonly SettingSource[],
  description: 'DEFAULT: from the environment (ALERT_* and the health thresholds); NAMESPACE: set for this namespace.',
});

/** One setting as the API shows it: its value and where it comes from. */
interface Setting<T> {
  value: T;
  source: SettingSource;
}

const settingDescription = 'A setting: its value and where it comes from.';
const BooleanSetting = builder.objectRef<Setting<boolean>>('AlertRuleBooleanSetting').implement({
  description: settingDescription,
  fields: (t) => ({ value: t.exposeBoolean('value'), source: t.field({ type: SettingSourceEnum, resolve: (s) => s.source }) }),
});
const SeveritySetting = builder.objectRef<Setting<AlertSeverity>>('AlertRuleSeveritySetting').implement({
  description: settingDescription,
  fields: (t) => ({ value: t.field({ type: AlertSeverityEnum, resolve: (s) => s.value }), source: t.field({ type: SettingSourceEnum, resolve: (s) => s.source }) }),
});
const FloatSetting = builder.objectRef<Setting<number>>('AlertRuleFloatSetting').implement({
  description: settingDescription,
  fields: (t) => ({ value: t.exposeFloat('value'), source: t.field({ type: SettingSourceEnum, resolve: (s) => s.source }) }),
});
const IntSetting = builder.objectRef<Setting<number>>('AlertRuleIntSetting').implement({
  description: settingDescription,
  fields: (t) => ({ value: t.exposeInt('value'), source: t.field({ type: SettingSourceEnum, resolve: (s) => s.source }) }),
});

/** The setting, or null when the rule does not take it. */
function setting<K extends SettingName>(view: RuleSettingsView, name: K) {
  const value = view.settings[name];
  return value === null ? null : { value: value as NonNullable<typeof value>, source: view.sources[name] };
}

const AlertRuleSettingsRef = builder.objectRef<RuleSettingsView>('AlertRuleSettings').implement({
  description: "One rule's effective settings in a namespace; a setting the rule does not take is null.",
  fields: (t) => ({
    rule: t.field({ type: AlertRuleNameEnum, resolve: (v) => v.rule }),
    description: t.exposeString('description'),
    namespace: t.exposeString('namespace', { nullable: true, description: '"_system" for system-wide rules; null for the defaults.' }),
    systemWide: t.exposeBoolean('systemWide'),
    enabled: t.field({ type: BooleanSetting, resolve: (v) => setting(v, 'enabled')! }),
    severity: t.field({ type: SeveritySetting, resolve: (v) => setting(v, 'severity')!, description: 'Rates twice their threshold and queues five times theirs go one level above.' }),
    threshold: t.field({ type: FloatSetting, nullable: true, resolve: (v) => setting(v, 'threshold') }),
    windowMs: t.field({ type: IntSetting, nullable: true, resolve: (v) => setting(v, 'windowMs') }),
    minSample: t.field({ type: IntSetting, nullable: true, resolve: (v) => setting(v, 'minSample') }),
    pendingMs: t.field({ type: IntSetting, resolve: (v) => setting(v, 'pendingMs')!, description: 'How long the condition must hold before the alert fires.' }),
    holdMs: t.field({ type: IntSetting, resolve: (v) => setting(v, 'holdMs')!, description: 'How long the condition must stay clear before a firing alert resolves.' }),
  }),
});

const SetAlertRuleInput = builder.inputType('SetAlertRuleInput', {
  description: 'A field left out keeps its current value; null puts it back to the default.',
  fields: (t) => ({
    namespace: t.string({ required: true, description: '"_system" for system-wide rules (COMPONENT_UNHEALTHY).' }),
    rule: t.field({ type: AlertRuleNameEnum, required: true }),
    enabled: t.boolean(),
    severity: t.field({ type: AlertSeverityEnum }),
    threshold: t.float(),
    windowMs: t.int(),
    minSample: t.int(),
    pendingMs: t.int(),
    holdMs: t.int(),
  }),
});

const alertsWrite = { skipTypeScopes: true, authScopes: { alertsWrite: true } } as const;

builder.queryFields((t) => ({
  alertRules: t.field({
    type: [AlertRuleSettingsRef],
    description: "Every rule's effective settings in `namespace` (the defaults when left out); system-wide rules only for keys not limited to namespaces.",
    args: { namespace: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.alerts.settings.list(args.namespace ?? null, ctx.scope),
  }),
}));

builder.mutationFields((t) => ({
  setAlertRule: t.field({
    ...alertsWrite,
    type: AlertRuleSettingsRef,
    description: "Sets a rule's settings in a namespace (alerts:write or admin); every invalid value is named in one BAD_USER_INPUT.",
    args: { input: t.arg({ type: SetAlertRuleInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.alerts.settings.set(input as never, ctx.scope),
  }),
  resetAlertRule: t.field({
    ...alertsWrite,
    type: AlertRuleSettingsRef,
    description: "Puts every setting of a rule in a namespace back to the default (alerts:write or admin).",
    args: { namespace: t.arg.string({ required: true }), rule: t.arg({ type: AlertRuleNameEnum, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.alerts.settings.reset(args.namespace, args.rule as AlertRule, ctx.scope),
  }),
}));

