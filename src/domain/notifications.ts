/**
 * Pure rules of notifications: label matchers (of silences and routes), which routes an alert takes
 * and its group there, when a group notifies (Alertmanager's groupWait / groupInterval /
 * repeatInterval), and a delivery's retry schedule. No I/O: the clock and randomness come in as
 * arguments.
 */
import { RE2JS } from 're2js';
import { badInput, DomainError } from '../errors.js';
import type { AlertLabels } from './alerts.js';

export type AlertLabelName = keyof AlertLabels;
export const ALERT_LABEL_NAMES = ['rule', 'namespace', 'workflow', 'severity', 'subject'] as const satisfies readonly AlertLabelName[];

/** Alertmanager's four: =, !=, =~ and !~ (regexes are RE2, anchored at both ends). */
export const MATCH_OPERATORS = ['EQUAL', 'NOT_EQUAL', 'REGEX', 'NOT_REGEX'] as const;
export type MatchOperator = (typeof MATCH_OPERATORS)[number];

export interface Matcher {
  label: AlertLabelName;
  operator: MatchOperator;
  value: string;
}

/** What a silence or a route applies to: its matchers, within the namespaces its creator may touch (null: any). */
export interface Selector {
  matchers: readonly Matcher[];
  namespaces: readonly string[] | null;
}

const MAX_MATCHERS = 20;
const MAX_VALUE_LENGTH = 1_000;
const isRegex = (operator: MatchOperator) => operator === 'REGEX' || operator === 'NOT_REGEX';

function compileRegex(pattern: string, field: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    throw badInput(`${field} is not a valid regular expression: ${(error as Error).message}`, { field });
  }
}

/** BAD_USER_INPUT naming the first matcher that is too long, too many, or not a valid regex. */
export function validateMatchers(matchers: readonly Matcher[], field = 'matchers'): void {
  if (matchers.length > MAX_MATCHERS) throw badInput(`${field}: at most ${MAX_MATCHERS} matchers`, { field });
  matchers.forEach((matcher, i) => {
    const at = `${field}[${i}].value`;
    if (matcher.value.length > MAX_VALUE_LENGTH) throw badInput(`${at} must be at most ${MAX_VALUE_LENGTH} characters`, { field: at });
    if (isRegex(matcher.operator)) compileRegex(matcher.value, at);
  });
}

export type LabelTest = (labels: AlertLabels) => boolean;

/** Regexes match the whole value (`matches`), as Alertmanager anchors them. */
function compileMatcher({ label, operator, value }: Matcher): LabelTest {
  if (operator === 'EQUAL') return (labels) => labels[label] === value;
  if (operator === 'NOT_EQUAL') return (labels) => labels[label] !== value;
  const regex = compileRegex(value, 'matcher');
  return operator === 'REGEX' ? (labels) => regex.matches(labels[label]) : (labels) => !regex.matches(labels[label]);
}

export function compileSelector(selector: Selector): LabelTest {
  const tests = selector.matchers.map(compileMatcher);
  const namespaces = selector.namespaces ? new Set(selector.namespaces) : null;
  return (labels) => (namespaces === null || namespaces.has(labels.namespace)) && tests.every((test) => test(labels));
}

const NO_LABELS: AlertLabels = { rule: '', namespace: '', workflow: '', severity: '', subject: '' };

/** A silence with matchers that all match '' would silence nearly everything (Alertmanager refuses it too). */
export function validateSilenceMatchers(matchers: readonly Matcher[]): void {
  if (matchers.length === 0) throw badInput('matchers: a silence needs at least one matcher', { field: 'matchers' });
  validateMatchers(matchers);
  if (matchers.every((m) => compileMatcher(m)(NO_LABELS))) {
    throw badInput('matchers: at least one matcher must not match the empty string', { field: 'matchers' });
  }
}

/**
 * The namespaces of `allowed` (a key's) that the namespace matchers admit: what a silence or route
 * made by that key is confined to. FORBIDDEN when that is none of them.
 */
export function confineToNamespaces(matchers: readonly Matcher[], allowed: readonly string[]): string[] {
  const tests = matchers.filter((m) => m.label === 'namespace').map(compileMatcher);
  const admitted = allowed.filter((namespace) => tests.every((test) => test({ ...NO_LABELS, namespace })));
  if (admitted.length === 0) {
    throw new DomainError('FORBIDDEN', 'This API key may only select alerts of its own namespaces', { allowed: [...allowed] });
  }
  return admitted;
}

export const SILENCE_STATES = ['PENDING', 'ACTIVE', 'EXPIRED'] as const;
export type SilenceState = (typeof SILENCE_STATES)[number];

export const silenceState = (silence: { startsAt: Date; endsAt: Date }, now: Date): SilenceState =>
  now < silence.startsAt ? 'PENDING' : now < silence.endsAt ? 'ACTIVE' : 'EXPIRED';

export function validateSilenceWindow(startsAt: Date, endsAt: Date, now: Date): void {
  if (endsAt <= now) throw badInput('endsAt must be in the future', { field: 'endsAt' });
  if (endsAt <= startsAt) throw badInput('endsAt must be after startsAt', { field: 'endsAt' });
}

/** A route as planning uses it: its label test, its place and how it groups. */
export interface RoutePlan {
  id: string;
  test: LabelTest;
  continue: boolean;
  groupBy: readonly AlertLabelName[];
}

/** The routes an alert takes, in position order: the first that matches, and the next ones while a taken route says `continue`. */
export function routesOf<R extends RoutePlan>(routes: readonly R[], labels: AlertLabels): R[] {
  const taken: R[] = [];
  for (const route of routes) {
    if (!route.test(labels)) continue;
    taken.push(route);
    if (!route.continue) break;
  }
  return taken;
}

/** The alert's group on a route: the values of the route's groupBy labels, under a key unique to the route. */
export function groupOf(route: Pick<RoutePlan, 'id' | 'groupBy'>, labels: AlertLabels) {
  const names = [...route.groupBy].sort();
  const groupLabels = Object.fromEntries(names.map((name) => [name, labels[name]])) as Partial<AlertLabels>;
  return { key: `${route.id}:{${names.map((name) => `${name}=${JSON.stringify(labels[name])}`).join(',')}}`, labels: groupLabels };
}

export interface GroupTiming {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  sendResolved: boolean;
}

/** What a group remembers between rounds. */
export interface GroupState {
  createdAt: Date;
  lastNotifiedAt: Date | null;
  /** The alerts its last notification reported firing (and still to be told about). */
  notified: readonly string[];
}

/** The group's alerts now, by id: firing and not silenced, firing but silenced, and resolved ones it had notified. */
export interface GroupMembers {
  firing: readonly string[];
  silenced: readonly string[];
  resolved: readonly string[];
}

export interface GroupDecision {
  /** null: the group has nothing left and is closed. */
  state: GroupState | null;
  notify: { firing: string[]; resolved: string[] } | null;
}

/**
 * One round's decision for one group, Alertmanager's way: a new group waits groupWait before its
 * first notification; a change (a firing alert it has not reported, or a reported one resolved,
 * when it sends resolved ones) goes out groupInterval after the last notification; an unchanged
 * firing group repeats after repeatInterval. Silenced alerts are left out, and forgotten as
 * reported, so that when their silence ends they count as a change again.
 */
export function decideGroup(state: GroupState | null, members: GroupMembers, timing: GroupTiming, now: Date): GroupDecision {
  const alive = members.firing.length > 0 || members.silenced.length > 0;
  if (!state && !alive) return { state: null, notify: null };
  const current: GroupState = state ?? { createdAt: now, lastNotifiedAt: null, notified: [] };
  const notified = new Set(current.notified);
  const announce = timing.sendResolved ? members.resolved.filter((id) => notified.has(id)) : [];
  const changed = members.firing.some((id) => !notified.has(id)) || announce.length > 0;
  const since = (at: Date) => now.getTime() - at.getTime();
  const due =
    current.lastNotifiedAt === null
      ? members.firing.length > 0 && since(current.createdAt) >= timing.groupWaitMs
      : changed
        ? since(current.lastNotifiedAt) >= timing.groupIntervalMs
        : members.firing.length > 0 && since(current.lastNotifiedAt) >= timing.repeatIntervalMs;
  if (due) {
    const notify = { firing: [...members.firing], resolved: announce };
    return { notify, state: alive ? { createdAt: current.createdAt, lastNotifiedAt: now, notified: notify.firing } : null };
  }
  const firing = new Set(members.firing);
  const kept = current.notified.filter((id) => firing.has(id) || announce.includes(id));
  if (!alive && kept.length === 0) return { state: null, notify: null };
  return { notify: null, state: { ...current, notified: kept } };
}

const sameGroupState = (a: GroupState, b: GroupState) =>
  a.createdAt.getTime() === b.createdAt.getTime() &&
  a.lastNotifiedAt?.getTime() === b.lastNotifiedAt?.getTime() &&
  a.notified.length === b.notified.length &&
  a.notified.every((id, i) => b.notified[i] === id);

/** A route as planning uses it, with its group timing. */
export interface PlannedRoute extends RoutePlan {
  timing: GroupTiming;
}

/** An alert as planning sees it: its labels, whether it is still open and whether a silence selects it. */
export interface PlannedAlert {
  id: string;
  labels: AlertLabels;
  open: boolean;
  silenced: boolean;
}

export interface StoredGroup extends GroupState {
  key: string;
  routeId: string;
  labels: Partial<AlertLabels>;
}

/** What one round decides for one group: its new state (null: closed) and the notification to send, if any. */
export interface GroupPlan extends GroupDecision {
  key: string;
  route: PlannedRoute;
  labels: Partial<AlertLabels>;
}

/**
 * One round's notifications: every open alert joins its group on each route it takes (silenced
 * ones too, which keeps their group open without notifying), the resolved alerts a group had
 * reported join it again, and each group is decided. Returns only the groups that change or notify.
 */
export function planGroups(routes: readonly PlannedRoute[], alerts: readonly PlannedAlert[], stored: readonly StoredGroup[], now: Date): GroupPlan[] {
  const groups = new Map<string, { route: PlannedRoute; labels: Partial<AlertLabels>; members: { firing: string[]; silenced: string[]; resolved: string[] } }>();
  const groupFor = (key: string, route: PlannedRoute, labels: Partial<AlertLabels>) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { route, labels, members: { firing: [], silenced: [], resolved: [] } }));
    return group;
  };
  for (const alert of alerts) {
    if (!alert.open) continue;
    for (const route of routesOf(routes, alert.labels)) {
      const { key, labels } = groupOf(route, alert.labels);
      groupFor(key, route, labels).members[alert.silenced ? 'silenced' : 'firing'].push(alert.id);
    }
  }
  // A silenced alert's resolution is not announced either.
  const resolved = new Set(alerts.filter((a) => !a.open && !a.silenced).map((a) => a.id));
  const routesById = new Map(routes.map((r) => [r.id, r]));
  const states = new Map<string, StoredGroup>();
  for (const group of stored) {
    const route = routesById.get(group.routeId);
    if (!route) continue;
    states.set(group.key, group);
    groupFor(group.key, route, group.labels).members.resolved.push(...group.notified.filter((id) => resolved.has(id)));
  }
  const plans: GroupPlan[] = [];
  for (const [key, { route, labels, members }] of groups) {
    const before = states.get(key) ?? null;
    const decision = decideGroup(before, members, route.timing, now);
    const unchanged = before && decision.state && sameGroupState(before, decision.state);
    if (decision.notify || !unchanged) plans.push({ key, route, labels, ...decision });
  }
  return plans;
}

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

/** What one attempt's answer means: 2xx delivered; 408, 429, 5xx retried; any other answer refused for good. */
function judgeStatus(status: number): 'DELIVERED' | 'RETRY' | 'REFUSED' {
  if (status >= 200 && status < 300) return 'DELIVERED';
  return status === 408 || status === 429 || status >= 500 ? 'RETRY' : 'REFUSED';
}

/**
 * Exponential backoff with full jitter (a uniform pick below base * 2^(attempt-1), capped), or the
 * receiver's Retry-After when it asks for longer (still capped). `random` is in [0, 1).
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: number, retryAfterMs: number | null = null): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  const jittered = Math.floor(random * ceiling);
  return retryAfterMs === null ? jittered : Math.min(policy.capMs, Math.max(jittered, retryAfterMs));
}

/** A receiver's URL as responses and logs show it: scheme, host and port; the path and query (tokens live there) hidden. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname === '' || parsed.pathname === '/' ? '' : '/***';
  return `${parsed.protocol}//${parsed.host}${path}${parsed.search ? '?***' : ''}`;
}

/** How one attempt went: the receiver's HTTP status (and Retry-After), or why there was none. */
export interface AttemptResult {
  statusCode: number | null;
  retryAfterMs: number | null;
  error: string | null;
}

export interface AttemptOutcome {
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
}

/** What the `attempts`-th attempt leaves: delivered, retried after a backoff, or failed for good (refused, or out of attempts). */
export function outcomeOf(result: AttemptResult, attempts: number, policy: RetryPolicy, random: number, now: Date): AttemptOutcome {
  const verdict = result.statusCode === null ? 'RETRY' : judgeStatus(result.statusCode);
  const lastStatusCode = result.statusCode;
  if (verdict === 'DELIVERED') return { status: 'DELIVERED', lastStatusCode, lastError: null, nextAttemptAt: now, deliveredAt: now };
  const error = result.error ?? `HTTP ${result.statusCode}`;
  if (verdict === 'REFUSED') return { status: 'FAILED', lastStatusCode, lastError: `${error} (not retried)`, nextAttemptAt: now, deliveredAt: null };
  if (attempts >= policy.maxAttempts) {
    return { status: 'FAILED', lastStatusCode, lastError: `${error} (gave up after ${attempts} attempts)`, nextAttemptAt: now, deliveredAt: null };
  }
  const nextAttemptAt = new Date(now.getTime() + retryDelayMs(attempts, policy, random, result.retryAfterMs));
  return { status: 'PENDING', lastStatusCode, lastError: error, nextAttemptAt, deliveredAt: null };
}
