import {
  applyExecutionCommand,
  applyStepCommand,
  type EventType,
  type ExecutionCommand,
  type ExecutionState,
  type ObservationCommand,
  type StepCommand,
  type StepState,
} from './lifecycle.js';

/** What replaying needs of an event. */
export interface ReplayedEvent {
  txId: number;
  seq: number;
  type: EventType;
  stepId: string | null;
  data: unknown;
  timestamp: Date;
}

export interface ExecutionSnapshot<E extends ExecutionState & { lastSeq: number }, S extends StepState> {
  execution: E;
  steps: S[];
}

const FINAL_EVENT_TYPES: readonly EventType[] = ['EXECUTION_COMPLETED', 'EXECUTION_FAILED', 'EXECUTION_CANCELLED', 'EXECUTION_TIMEOUT'];

type Replayable = { execution: ExecutionCommand | ObservationCommand } | { step: StepCommand };

/** The command that wrote an event, rebuilt from what the event records. */
function commandOf(event: ReplayedEvent): Replayable {
  const d = (event.data ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : null);
  switch (event.type) {
    case 'EXECUTION_QUEUED': return { execution: { kind: 'queue' } };
    case 'EXECUTION_STARTED': return { execution: { kind: 'start' } };
    case 'SLA_BREACHED': return { execution: { kind: 'breachSla' } };
    case 'TIMEOUT_BREACHED': return { execution: { kind: 'breachTimeout' } };
    case 'STEP_STARTED': return { step: { kind: 'startStep' } };
    case 'STEP_PROGRESS': return { step: { kind: 'reportProgress', percent: Number(d.percent), message: text('message') } };
    case 'STEP_COMPLETED': return { step: { kind: 'completeStep' } };
    case 'STEP_FAILED': return { step: { kind: 'failStep', error: text('error') ?? '', retry: d.retry === true } };
    case 'STEP_SKIPPED': return { step: { kind: 'skipStep', reason: text('reason') } };
    case 'APPROVAL_REQUESTED':
      return { step: { kind: 'requestApproval', approvers: Array.isArray(d.approvers) ? d.approvers.map(String) : [], message: text('message') } };
    case 'APPROVAL_APPROVED': return { step: { kind: 'approve', by: text('by') ?? '', comment: text('comment') } };
    case 'APPROVAL_REJECTED': return { step: { kind: 'reject', by: text('by') ?? '', comment: text('comment') } };
    default: throw new Error(`cannot replay ${event.type}`);
  }
}

/** The snapshot after the command that wrote `event`, by the same rules that wrote it. */
function applyEvent<E extends ExecutionState & { lastSeq: number }, S extends StepState>(
  snapshot: ExecutionSnapshot<E, S>,
  event: ReplayedEvent,
): ExecutionSnapshot<E, S> {
  const { execution, steps } = snapshot;
  const command = commandOf(event);
  let change;
  if ('step' in command) {
    const step = steps.find((s) => s.id === event.stepId);
    if (!step) throw new Error(`no step ${event.stepId}`);
    change = applyStepCommand(execution, steps, step, command.step, event.timestamp);
  } else {
    change = applyExecutionCommand(execution, steps, command.execution, event.timestamp);
  }
  if (!change) return { execution: { ...execution, lastSeq: event.seq }, steps };
  return {
    execution: { ...execution, ...change.execution, lastSeq: event.seq },
    steps: steps.map((s) => {
      const patch = change.steps.get(s.id);
      return patch ? { ...s, ...patch } : s;
    }),
  };
}

/**
 * The state just before the command that made the execution final, from an earlier `snapshot` and
 * the events after it (in seq order, up to the final one): null when the snapshot is that state.
 * An SLA_BREACHED written with the final event (a run finishing past its SLA) belongs to the final state.
 */
export function stateBeforeFinal<E extends ExecutionState & { lastSeq: number }, S extends StepState>(
  snapshot: ExecutionSnapshot<E, S>,
  events: readonly ReplayedEvent[],
): ExecutionSnapshot<E, S> | null {
  const finalAt = events.findIndex((e) => FINAL_EVENT_TYPES.includes(e.type));
  if (finalAt < 0) return null;
  const final = events[finalAt]!;
  const before = events.slice(0, finalAt).filter((e) => !(e.type === 'SLA_BREACHED' && e.txId === final.txId));
  if (before.length === 0) return null;
  return before.reduce(applyEvent, snapshot);
}
