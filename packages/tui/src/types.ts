/**
 * The contract between the CLI (which owns the run engine and the store) and the
 * terminal UI (which only renders). Everything the UI knows arrives through these
 * shapes; everything it does goes out through {@link UiActions}.
 */
import type { PolicyDecisionView, RunEvent, RunSummary, StackStatus } from '@stackfleet/core';

/** One row of the fleet view: a stack plus what the store knows about it. */
export interface FleetStackInfo {
  name: string;
  /** Repository name from `repos`; empty/undefined = beside the manifest. */
  repo?: string;
  /** Directory of the stack inside its repository. */
  path: string;
  labels: string[];
  /** `terraform`, `tofu` or `command`. */
  runner: string;
  /** Direct dependencies (stack names). */
  dependsOn: string[];
  /** Direct dependents (stack names). */
  dependents: string[];
  /** Status of the stack in the most recent run that touched it. */
  lastStatus?: StackStatus | 'interrupted';
  /** ISO timestamp of that run. */
  lastRunAt?: string;
  /** Number of stored outputs. */
  outputCount: number;
  /** Holder of the stack's lock, when locked. */
  lockedBy?: string;
  /** Result of the last drift check, when one ran. */
  drift?: 'drifted' | 'clean' | 'error';
  /** Whether the stack is affected since the base ref; undefined = unknown (the toggle is hidden). */
  affected?: boolean;
}

/** One resolved setting (env, var, context file...) and where its value came from. */
export interface StackSetting {
  /** e.g. `env.AWS_REGION`, `vars.cidr`. */
  key: string;
  /** Already masked by the caller when secret. */
  value: string;
  /** e.g. `stack`, `context aws-prod`, `variables`. */
  source: string;
}

/** What the details screen shows; loaded on demand through {@link UiActions.loadDetails}. */
export interface StackDetails {
  outputs: { name: string; /** Already masked by the caller. */ value: string; sensitive: boolean }[];
  settings: StackSetting[];
  history: { runId: string; at: string; status: string; durationMs?: number }[];
  /**
   * The policy decisions of the stack's last run (the first of `history`):
   * its own, and those about the whole run (`stack` null); repeats (a resumed
   * run is judged again) as one with their `count`. Messages already masked.
   */
  lastRunPolicies?: { runId: string; decisions: { decision: PolicyDecisionView & { stack: string | null }; count: number }[] };
}

/** A run started by an action: a source of events plus a way to stop it. */
export interface RunHandle {
  /** Registers a listener; returns the unsubscribe function. Events emitted before subscribing should be replayed. */
  subscribe(listener: (event: RunEvent) => void): () => void;
  /** First call = graceful stop (SPEC §5), second call = force kill. */
  interrupt(): void;
  /** Settles when the run has finished. */
  done: Promise<RunSummary>;
  /** Typical duration per stack from earlier runs, for the ETA. */
  expectedDurations?: ReadonlyMap<string, number>;
}

/**
 * What an apply's plan run came to, once it is over and the policies judged
 * it: the confirm screen shows it, and `y` answers its question.
 */
export interface ApplyReview {
  /** What the policies say (denied stacks, approvals a `y` gives), shown above the question. */
  lines: readonly string[];
  /** The question `y` answers (`Approve and apply 2 stack(s) with changes?`); absent when nothing may be applied. */
  question?: string;
  /** Why nothing is applied (a deny of the whole run, a failed plan, no changes...); absent when there is a question. */
  stopped?: string;
}

/** An apply as the UI runs it: the plan run first, then (on `y`) exactly its reviewed plans. */
export interface ApplyFlow {
  /** The plan run: every selected stack planned, its plan saved, judged by the policies as an apply. */
  planRun: RunHandle;
  /** Settles once the plan run is over and judged (never rejects: a failure is `stopped`). */
  review: Promise<ApplyReview>;
  /** `y` to a review with a question: records the approvals it gives and applies the saved plans. */
  apply(): RunHandle;
}

/**
 * What the UI can ask the CLI to do. Each run action starts a run through the same
 * code as the matching CLI command and returns its event source.
 */
export interface UiActions {
  plan(stacks: string[]): RunHandle;
  /** Starts the apply of `stacks` the way the CLI's interactive `apply` does (plan run, policies, question, saved plans). */
  apply(stacks: string[]): ApplyFlow;
  drift(stacks: string[]): RunHandle;
  /** Continues the last interrupted run; when there is none, the message saying so (and what else to do). */
  resume(): Promise<RunHandle | { nothing: string }>;
  unlock(stack: string): Promise<void>;
  loadDetails: (stack: string) => Promise<StackDetails>;
  /** The given stacks plus all of their (transitive) dependents. */
  addDependents(stacks: string[]): string[];
  /** Re-reads the fleet after a run or an unlock; optional (the fleet is then kept as is). */
  reloadFleet?(): Promise<FleetStackInfo[]>;
}
