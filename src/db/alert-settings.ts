/** Namespaces' own settings of the alert rules. */
import { and, eq } from 'drizzle-orm';
import type { RuleOverride } from '../domain/alert-settings.js';
import type { Db } from './client.js';
import { alertRuleSettings, type AlertRuleSettingsRow } from './schema.js';

/** Every namespace's overrides (a small table: one row per namespace and rule it tunes); read once per round. */
export const allRuleOverrides = (db: Db): Promise<AlertRuleSettingsRow[]> => db.select().from(alertRuleSettings);

export const ruleOverridesOf = (db: Db, namespace: string): Promise<AlertRuleSettingsRow[]> =>
  db.select().from(alertRuleSettings).where(eq(alertRuleSettings.namespace, namespace));

/** Sets the given values (null: back to the default), keeping the others. */
export async function upsertRuleOverride(db: Db, namespace: string, rule: string, values: RuleOverride, now: Date): Promise<AlertRuleSettingsRow> {
  const set = { ...values, updatedAt: now };
  const [row] = await db
    .insert(alertRuleSettings)
    .values({ namespace, rule: rule as AlertRuleSettingsRow['rule'], ...set })
    .onConflictDoUpdate({ target: [alertRuleSettings.namespace, alertRuleSettings.rule], set })
    .returning();
  return row!;
}

export async function deleteRuleOverride(db: Db, namespace: string, rule: string): Promise<void> {
  await db.delete(alertRuleSettings).where(and(eq(alertRuleSettings.namespace, namespace), eq(alertRuleSettings.rule, rule as AlertRuleSettingsRow['rule'])));
}
