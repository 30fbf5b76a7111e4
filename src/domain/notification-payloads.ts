/**
 * The bodies receivers get, one builder per kind: WEBHOOK (modelled on Alertmanager's webhook
 * payload), SLACK (an incoming webhook's `text` + `blocks`) and ALERTMANAGER (its v2 API's
 * `POST /api/v2/alerts` array). Pure: the time comes in as an argument.
 */
import type { Alert, AlertLabels } from './alerts.js';

export const RECEIVER_KINDS = ['WEBHOOK', 'SLACK', 'ALERTMANAGER'] as const;
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

export interface NotifiedAlert {
  alert: Alert;
  /** The alert's id in the API (`node(id:)`, `acknowledgeAlert(id:)`). */
  apiId: string;
  labels: AlertLabels;
  status: 'firing' | 'resolved';
}

/** One notification of one group to one receiver. */
export interface NotificationContent {
  receiver: string;
  groupKey: string;
  groupLabels: Partial<AlertLabels>;
  alerts: readonly NotifiedAlert[];
}

export interface PayloadOptions {
  now: Date;
  /** Where people reach this Runwatch (NOTIFY_EXTERNAL_URL); links are left out without it. */
  externalUrl: string | null;
  /** Alertmanager resolves a firing alert by itself this long after the last push (we push again before). */
  alertmanagerEndsInMs: number;
}

const notificationStatus = (content: NotificationContent) =>
  content.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';

function summaryOf({ rule, namespace, workflow, severity, subject }: AlertLabels) {
  const where = namespace ? ` in ${namespace}` : '';
  const what = workflow ? ` (${workflow})` : '';
  const about = subject && subject !== workflow ? `: ${subject}` : '';
  return `${severity} ${rule}${where}${what}${about}`;
}

const annotationsOf = (a: NotifiedAlert) => ({ summary: summaryOf(a.labels), description: a.alert.message });

/** The entries every item has with the same value. */
function common<T extends object>(items: readonly T[]): Partial<T> {
  const [first, ...rest] = items;
  if (!first) return {};
  const shared = Object.entries(first).filter(([key, value]) => rest.every((item) => (item as Record<string, unknown>)[key] === value));
  return Object.fromEntries(shared) as Partial<T>;
}

export function webhookBody(content: NotificationContent, options: PayloadOptions): string {
  return JSON.stringify({
    version: '1',
    groupKey: content.groupKey,
    status: notificationStatus(content),
    receiver: content.receiver,
    groupLabels: content.groupLabels,
    commonLabels: common(content.alerts.map((a) => a.labels)),
    commonAnnotations: common(content.alerts.map(annotationsOf)),
    externalURL: options.externalUrl ?? '',
    alerts: content.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: annotationsOf(a),
      startsAt: a.alert.firstSeenAt.toISOString(),
      endsAt: a.status === 'resolved' ? (a.alert.resolvedAt ?? options.now).toISOString() : null,
      fingerprint: a.alert.fingerprint,
      id: a.apiId,
      value: a.alert.value,
      threshold: a.alert.threshold,
      occurrences: a.alert.occurrences,
    })),
  });
}

/** Slack shows at most this many alert lines in one message. */
const SLACK_MAX_LINES = 20;
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackBody(content: NotificationContent): string {
  const firing = content.alerts.filter((a) => a.status === 'firing').length;
  const group = Object.entries(content.groupLabels)
    .filter(([, value]) => value)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const title = `[${notificationStatus(content).toUpperCase()}${firing ? `:${firing}` : ''}] ${group || content.receiver}`;
  const lines = content.alerts.slice(0, SLACK_MAX_LINES).map((a) => {
    const icon = a.status === 'firing' ? ':red_circle:' : ':large_green_circle:';
    return `${icon} *${a.status.toUpperCase()}* ${slackEscape(summaryOf(a.labels))}: ${slackEscape(a.alert.message)}`;
  });
  const more = content.alerts.length - lines.length;
  if (more > 0) lines.push(`…and ${more} more`);
  return JSON.stringify({
    text: title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3_000) } },
    ],
  });
}

/** Alertmanager drops labels with empty values; leave them out. */
const present = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([, value]) => value !== ''));

export function alertmanagerBody(content: NotificationContent, options: PayloadOptions): string {
  const firingEndsAt = new Date(options.now.getTime() + options.alertmanagerEndsInMs).toISOString();
  return JSON.stringify(
    content.alerts.map((a) => ({
      labels: present({
        alertname: a.labels.rule,
        namespace: a.labels.namespace,
        workflow: a.labels.workflow,
        severity: a.labels.severity,
        subject: a.labels.subject,
        source: 'runwatch',
      }),
      annotations: annotationsOf(a),
      startsAt: a.alert.firstSeenAt.toISOString(),
      endsAt: a.status === 'firing' ? firingEndsAt : (a.alert.resolvedAt ?? options.now).toISOString(),
      ...(options.externalUrl ? { generatorURL: `${options.externalUrl.replace(/\/$/, '')}/` } : {}),
    })),
  );
}

export function bodyOf(kind: ReceiverKind, content: NotificationContent, options: PayloadOptions): string {
  if (kind === 'SLACK') return slackBody(content);
  if (kind === 'ALERTMANAGER') return alertmanagerBody(content, options);
  return webhookBody(content, options);
}

/** Where a notification is POSTed: Alertmanager receivers are given by their base URL. */
export const deliveryUrl = (kind: ReceiverKind, url: string) => (kind === 'ALERTMANAGER' ? `${url.replace(/\/+$/, '')}/api/v2/alerts` : url);
