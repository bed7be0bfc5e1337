/**
 * Run events: the only way the runner talks to reporters (plain, NDJSON, ink UI,
 * log files). With `--json` each event is one NDJSON line. Every event
 * carries `at` (ISO 8601, when it happened), so a saved NDJSON stream can be
 * read as a timeline.
 */
import type { ChangeSummary } from './model.js';

export type RunCommand = 'plan' | 'apply' | 'destroy' | 'run' | 'drift';

/** Final status of one stack in a run (SPEC §4). */
export type StackStatus =
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'unchanged'
  | 'changed'
  | 'denied'
  /** Stopped by a require_approval policy: `stackfleet approve`, then `resume`. */
  | 'awaiting_approval'
  /** Stopped by Ctrl-C (SPEC §5) while it ran: `resume` runs it again. */
  | 'interrupted';

export type RunStatus =
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'interrupted'
  | 'denied'
  | 'awaiting_approval'
  /** Read, never written: recorded `running`, but its process is provably gone (kill -9, a crash). Resumable. */
  | 'crashed';

/** What a stack is doing right now (shown by the UI). */
export type StepName = 'queued' | 'hooks' | 'init' | 'plan' | 'apply' | 'destroy' | 'outputs' | 'run';

export interface RunSummary {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  unchanged: number;
  changed: number;
  denied: number;
  /** Stacks stopped by a require_approval policy (`stackfleet approve`, then `resume`). */
  awaitingApproval: number;
  interrupted: number;
  durationMs: number;
}

export interface RunStartedEvent {
  type: 'run.started';
  runId: string;
  command: RunCommand;
  /** Stacks in run order. */
  stacks: string[];
  concurrency: number;
  /**
   * Only on `resume`, and only when some are: the stacks of `stacks` kept from
   * before (already done), in run order with the status they kept. They get no
   * other event, so a view counts them done from here.
   */
  alreadyDone?: KeptStack[];
  at: string;
}

/** A stack a resumed run keeps from before instead of running it again. */
export interface KeptStack {
  stack: string;
  status: StackStatus;
}

export interface StackQueuedEvent {
  type: 'stack.queued';
  runId: string;
  stack: string;
  at: string;
}

export interface StackStartedEvent {
  type: 'stack.started';
  runId: string;
  stack: string;
  at: string;
}

export interface StackStepEvent {
  type: 'stack.step';
  runId: string;
  stack: string;
  step: StepName;
  at: string;
}

export interface StackLogEvent {
  type: 'stack.log';
  runId: string;
  stack: string;
  stream: 'stdout' | 'stderr';
  /** One line, already masked, without the trailing newline. */
  line: string;
  at: string;
}

export interface StackPlannedEvent {
  type: 'stack.planned';
  runId: string;
  stack: string;
  hasChanges: boolean;
  changes?: ChangeSummary;
  at: string;
}

export interface StackFinishedEvent {
  type: 'stack.finished';
  runId: string;
  stack: string;
  status: StackStatus;
  durationMs: number;
  /** Why a stack failed or was skipped, e.g. `dependency network failed`. */
  reason?: string;
  exitCode?: number;
  changes?: ChangeSummary;
  /** Path of the stack's log file for this run, when one is written. */
  logFile?: string;
  /** denied / awaiting_approval: the policies' messages. */
  messages?: string[];
  at: string;
}

/** One policy decision (a rule that fired); `stack` absent for access and run policies. */
export interface PolicyEvaluatedEvent {
  type: 'policy.evaluated';
  runId: string;
  stack?: string;
  policy: string;
  rule: string;
  effect: 'deny' | 'warn' | 'require_approval';
  message: string;
  /** require_approval only: who satisfied it; absent while the stack waits for approval. */
  approvedBy?: string[];
  at: string;
}

export interface RunInterruptingEvent {
  type: 'run.interrupting';
  runId: string;
  /** Stacks still running that we are waiting for. */
  waitingFor: string[];
  at: string;
}

export interface RunFinishedEvent {
  type: 'run.finished';
  runId: string;
  status: RunStatus;
  summary: RunSummary;
  at: string;
}

export type RunEvent =
  | RunStartedEvent
  | StackQueuedEvent
  | StackStartedEvent
  | StackStepEvent
  | StackLogEvent
  | StackPlannedEvent
  | StackFinishedEvent
  | PolicyEvaluatedEvent
  | RunInterruptingEvent
  | RunFinishedEvent;

export type RunEventListener = (event: RunEvent) => void;
