/**
 * The live run view's state and its pure reducer. Every event costs O(1) plus the
 * size of the touched stack's log tail; applying a batch of events copies the
 * per-stack map once, so a 2,000-stack run stays cheap however many events it emits.
 */
import { buildDecisionKey, escapeTerminalText, formatPolicyDecision } from '@stackfleet/core';
import type {
  ChangeSummary,
  KeptStack,
  PolicyDecisionView,
  PolicyEvaluatedEvent,
  RunCommand,
  RunEvent,
  RunStatus,
  RunSummary,
  StackStatus,
  StepName,
} from '@stackfleet/core';

/** Where one stack is in the run. `pending` = named by `run.started`, not queued yet. */
export type RunStackPhase = 'pending' | 'queued' | 'running' | 'finished';

export interface RunStackView {
  name: string;
  phase: RunStackPhase;
  step?: StepName;
  /** ISO timestamp of `stack.started`. */
  startedAt?: string;
  status?: StackStatus;
  durationMs?: number;
  reason?: string;
  exitCode?: number;
  /** From `stack.planned` (or `stack.finished`). */
  hasChanges?: boolean;
  changes?: ChangeSummary;
  /** The last {@link RunViewOptions.logTailSize} lines, already masked. */
  logTail: readonly string[];
  /** Lines received in total. */
  logCount: number;
  /** Kept from before a `resume`: it did not run now. */
  kept?: boolean;
  /** Its policy decisions, each once (a stack planned again in the run is judged again), in order; messages as sent (masked, not escaped). */
  policies?: readonly PolicyDecisionView[];
}

/** A finished stack, appended once to {@link RunViewState.finished} (printed once above the live area). */
export interface FinishedStackView {
  name: string;
  status: StackStatus;
  durationMs: number;
  reason?: string;
  exitCode?: number;
  changes?: ChangeSummary;
  /** Kept from before a `resume` (`run.started`'s `alreadyDone`): it did not run now. */
  kept?: boolean;
  /** Its policy decisions when it finished (see {@link RunStackView.policies}). */
  policies?: readonly PolicyDecisionView[];
}

/** The run's policy decisions, each counted once, for the summary (`policies: 1 warning · …`). */
export interface RunPolicyTally {
  warnings: number;
  denials: number;
  /** `require_approval` decisions no approval satisfied (yet). */
  approvalsRequired: number;
  /** `require_approval` decisions the run's approvals satisfied. */
  approved: number;
  /** Decisions about the whole run (access and run policies), in order: no stack's row shows them. */
  runWide: readonly PolicyDecisionView[];
}

export interface RunViewState {
  runId?: string;
  command?: RunCommand;
  /** Stacks in run order, from `run.started`. */
  order: readonly string[];
  /** The length of the longest name in `order`: the name column is no wider than that. */
  longestName: number;
  concurrency: number;
  startedAt?: string;
  stacks: ReadonlyMap<string, RunStackView>;
  /** Names of running stacks, in start order. */
  running: readonly string[];
  /** Append-only: a new array only when something finished. */
  finished: readonly FinishedStackView[];
  queuedCount: number;
  /** Set by `run.interrupting`. */
  interrupting?: { waitingFor: readonly string[]; at: string };
  status?: RunStatus;
  summary?: RunSummary;
  finishedAt?: string;
  logTailSize: number;
  policyTally: RunPolicyTally;
}

export interface RunViewOptions {
  /** Log lines kept per stack for the log pane. @default 50 */
  logTailSize?: number;
}

/** The state before any event arrived. */
export function createRunViewState(options: RunViewOptions = {}): RunViewState {
  return {
    order: [],
    longestName: 0,
    concurrency: 0,
    stacks: new Map(),
    running: [],
    finished: [],
    queuedCount: 0,
    logTailSize: options.logTailSize ?? 50,
    policyTally: EMPTY_TALLY,
  };
}

/** Applies one event. Never mutates `state`. */
export function reduceRunView(state: RunViewState, event: RunEvent): RunViewState {
  return reduceRunViewEvents(state, [event]);
}

/** Applies events in order, copying shared structures at most once for the whole batch. */
export function reduceRunViewEvents(state: RunViewState, events: readonly RunEvent[]): RunViewState {
  if (events.length === 0) return state;
  const draft = new RunViewDraft(state);
  for (const event of events) draft.apply(event);
  return draft.finish();
}

/** Copy-on-first-write view of a state while a batch is applied. */
class RunViewDraft {
  private readonly next: RunViewState & { stacks: Map<string, RunStackView> };
  private readonly touched = new Set<string>();
  private running: string[] | undefined;
  private finished: FinishedStackView[] | undefined;

  constructor(private readonly base: RunViewState) {
    this.next = { ...base, stacks: new Map(base.stacks) };
  }

  apply(event: RunEvent): void {
    switch (event.type) {
      case 'run.started':
        this.startRun(event.runId, event.command, event.stacks, event.concurrency, event.at);
        for (const kept of event.alreadyDone ?? []) this.keepStack(kept);
        return;
      case 'stack.queued': {
        const stack = this.edit(event.stack);
        if (stack.phase === 'pending') {
          stack.phase = 'queued';
          this.next.queuedCount += 1;
        }
        return;
      }
      case 'stack.started': {
        const stack = this.edit(event.stack);
        if (stack.phase === 'running' || stack.phase === 'finished') return;
        if (stack.phase === 'queued') this.next.queuedCount -= 1;
        stack.phase = 'running';
        stack.startedAt = event.at;
        this.editRunning().push(event.stack);
        return;
      }
      case 'stack.step':
        this.edit(event.stack).step = event.step;
        return;
      case 'stack.log':
        this.appendLog(event.stack, event.line);
        return;
      case 'stack.planned': {
        const stack = this.edit(event.stack);
        stack.hasChanges = event.hasChanges;
        if (event.changes) stack.changes = event.changes;
        return;
      }
      case 'stack.finished':
        this.finishStack(event);
        return;
      case 'policy.evaluated':
        this.recordDecision(event);
        // Also in the stack's pane and log like its own output, so a warning is seen where the plan was.
        if (event.stack !== undefined) this.appendLog(event.stack, `policy ${formatPolicyDecision(event)}`);
        return;
      case 'run.interrupting':
        this.next.interrupting = { waitingFor: event.waitingFor, at: event.at };
        return;
      case 'run.finished':
        this.next.status = event.status;
        this.next.summary = event.summary;
        this.next.finishedAt = event.at;
        return;
    }
  }

  finish(): RunViewState {
    if (this.running) this.next.running = this.running;
    if (this.finished) this.next.finished = this.finished;
    return this.next;
  }

  private startRun(runId: string, command: RunCommand, order: string[], concurrency: number, at: string): void {
    this.next.runId = runId;
    this.next.command = command;
    this.next.order = order;
    this.next.longestName = order.reduce((longest, name) => Math.max(longest, name.length), 0);
    this.next.concurrency = concurrency;
    this.next.startedAt = at;
    for (const name of order) {
      if (!this.next.stacks.has(name)) this.next.stacks.set(name, createStackView(name));
    }
  }

  /** A stack a resumed run kept: done from the start, so progress reads 5/6, not 0/6. */
  private keepStack(kept: KeptStack): void {
    const stack = this.edit(kept.stack);
    if (stack.phase !== 'pending') return;
    stack.phase = 'finished';
    stack.status = kept.status;
    stack.durationMs = 0;
    stack.reason = KEPT_REASON;
    stack.kept = true;
    this.editFinished().push({ name: kept.stack, status: kept.status, durationMs: 0, reason: KEPT_REASON, kept: true });
  }

  private finishStack(event: Extract<RunEvent, { type: 'stack.finished' }>): void {
    const stack = this.edit(event.stack);
    if (stack.phase === 'finished') return;
    if (stack.phase === 'queued') this.next.queuedCount -= 1;
    if (stack.phase === 'running') {
      const running = this.editRunning();
      running.splice(running.indexOf(event.stack), 1);
    }
    stack.phase = 'finished';
    stack.status = event.status;
    stack.durationMs = event.durationMs;
    // A reason can carry a policy's message: one line, no escape sequences, in every view of it.
    const reason = event.reason === undefined ? undefined : escapeTerminalText(event.reason);
    if (reason !== undefined) stack.reason = reason;
    if (event.exitCode !== undefined) stack.exitCode = event.exitCode;
    if (event.changes) stack.changes = event.changes;
    const finished: FinishedStackView = { name: event.stack, status: event.status, durationMs: event.durationMs };
    if (reason !== undefined) finished.reason = reason;
    if (event.exitCode !== undefined) finished.exitCode = event.exitCode;
    if (stack.changes) finished.changes = stack.changes;
    if (stack.policies) finished.policies = stack.policies;
    this.editFinished().push(finished);
  }

  /** Keeps a decision with its stack (or the run) and counts it, unless the same one was made before. */
  private recordDecision(event: PolicyEvaluatedEvent): void {
    const decision: PolicyDecisionView = { policy: event.policy, rule: event.rule, effect: event.effect, message: event.message };
    if (event.approvedBy !== undefined) decision.approvedBy = event.approvedBy;
    const key = buildDecisionKey(decision);
    const isRepeat = (earlier: readonly PolicyDecisionView[] | undefined): boolean => earlier?.some((made) => buildDecisionKey(made) === key) ?? false;
    const tally = { ...this.next.policyTally };
    if (event.stack === undefined) {
      if (isRepeat(tally.runWide)) return;
      tally.runWide = [...tally.runWide, decision];
    } else {
      const stack = this.edit(event.stack);
      if (isRepeat(stack.policies)) return;
      stack.policies = [...(stack.policies ?? []), decision];
    }
    if (decision.effect === 'warn') tally.warnings += 1;
    else if (decision.effect === 'deny') tally.denials += 1;
    else if (decision.approvedBy?.length) tally.approved += 1;
    else tally.approvalsRequired += 1;
    this.next.policyTally = tally;
  }

  private appendLog(name: string, line: string): void {
    const stack = this.edit(name);
    const tail = stack.logTail as string[];
    tail.push(line);
    if (tail.length > this.next.logTailSize) tail.splice(0, tail.length - this.next.logTailSize);
    stack.logCount += 1;
  }

  /** The stack's record, copied on its first edit in this batch (events may name stacks not in `run.started`). */
  private edit(name: string): RunStackView & { logTail: string[] } {
    const current = this.next.stacks.get(name);
    if (current && this.touched.has(name)) return current as RunStackView & { logTail: string[] };
    const copy = current ? { ...current, logTail: [...current.logTail] } : createStackView(name);
    this.next.stacks.set(name, copy);
    this.touched.add(name);
    return copy;
  }

  private editRunning(): string[] {
    this.running ??= [...this.base.running];
    return this.running;
  }

  private editFinished(): FinishedStackView[] {
    this.finished ??= [...this.base.finished];
    return this.finished;
  }
}

const KEPT_REASON = 'done before the resume';

const EMPTY_TALLY: RunPolicyTally = { warnings: 0, denials: 0, approvalsRequired: 0, approved: 0, runWide: [] };

function createStackView(name: string): RunStackView & { logTail: string[] } {
  return { name, phase: 'pending', logTail: [], logCount: 0 };
}
