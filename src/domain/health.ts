/** Pure rules of health: no I/O, the clock comes in as an argument. */
import type { StorageReport } from './retention.js';

export const HEALTH_STATUSES = ['HEALTHY', 'DEGRADED', 'UNHEALTHY'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** One checked part of the system, as a check found it. */
export interface ComponentHealth {
  component: string;
  status: HealthStatus;
  message: string;
  latencyMs: number | null;
  observedValue: number | null;
  threshold: number | null;
  /**
   * Set when message and observedValue count executions of every namespace: the message without
   * those figures, for viewers who may not see every namespace (see `healthSeenBy`).
   */
  uncountedMessage: string | null;
  /** When the component entered this status. */
  since: Date;
  checkedAt: Date;
}

export interface SystemHealth {
  status: HealthStatus;
  checkedAt: Date;
  components: ComponentHealth[];
  /** Table sizes and the oldest data kept (src/services/retention.ts); null when the database could not say. */
  storage?: StorageReport | null;
}

/** The health as a viewer sees it (`healthSeenBy`). */
export type SeenComponentHealth = Omit<ComponentHealth, 'uncountedMessage'>;
export interface SeenHealth extends Omit<SystemHealth, 'components'> {
  components: SeenComponentHealth[];
}

export const worstOf = (statuses: readonly HealthStatus[]): HealthStatus =>
  statuses.includes('UNHEALTHY') ? 'UNHEALTHY' : statuses.includes('DEGRADED') ? 'DEGRADED' : 'HEALTHY';

/** HEALTHY below `degraded`, DEGRADED from it, UNHEALTHY from `unhealthy`. */
export function grade(value: number, degraded: number, unhealthy: number): HealthStatus {
  if (value >= unhealthy) return 'UNHEALTHY';
  if (value >= degraded) return 'DEGRADED';
  return 'HEALTHY';
}

/** Two readings differ for subscribers when the overall or any component status changed. */
export const healthKey = (health: SystemHealth) => [health.status, ...health.components.map((c) => c.status)].join();

/**
 * The health as a viewer may see it: every status (they are the system's), but the figures that
 * count executions of every namespace (engine, queue) only for a viewer of every namespace; the
 * others get the message without them and no observedValue.
 */
export function healthSeenBy(health: SystemHealth, seesEveryNamespace: boolean): SeenHealth {
  return {
    ...health,
    components: health.components.map(({ uncountedMessage, ...component }) =>
      seesEveryNamespace || uncountedMessage === null ? component : { ...component, message: uncountedMessage, observedValue: null },
    ),
  };
}
