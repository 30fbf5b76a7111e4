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
