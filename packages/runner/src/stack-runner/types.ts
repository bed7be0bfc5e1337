import type { ChangeSummary, Outputs, ResolvedStack, StepName } from '@stackfleet/core';

/**
 * One phase of one stack, ready to execute: the stack's environment already
 * includes resolved secrets and upstream outputs. Adapters never mutate it.
 */
export interface StackExecution {
  runId: string;
  stack: ResolvedStack;
  /** Full environment for child processes (process env + stack env + protocol vars added by the adapter). */
  env: Record<string, string>;
  /** Directory for per-run scratch files (plan files, outputs files). Created by the caller. */
  workDir: string;
  /**
   * Stops the phase. The engine owns the stack's timeout: it aborts with a
   * reason named `TimeoutError` (e.g. `AbortSignal.timeout(stack.timeoutMs)`),
   * which terminates the processes; any other reason is a user interrupt
   * (SIGINT forwarded, then we wait for the process).
   */
  signal: AbortSignal;
  /** Second Ctrl-C: kill the running processes at once. */
  forceSignal?: AbortSignal;
  /** Called once per complete output line (unmasked; the caller masks). */
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  onStep: (step: StepName) => void;
  /** `plan --destroy` and destroy runs: plan what a destroy would do (terraform `plan -destroy`). @default false */
  planDestroy?: boolean;
}

export interface PlanResult {
  hasChanges: boolean;
  changes?: ChangeSummary;
  /** Saved plan (terraform/tofu) that `apply` must use. */
  planFile?: string;
  /**
   * The plan was made in another checkout (restored from the store for
   * `apply --from-plan`): terraform's `init` has not run here yet.
   */
  initBeforeApply?: boolean;
  /**
   * terraform/tofu with changes: the parsed `show -json` of the plan, for
   * policies. Holds secrets in clear: never emitted, only sanitized.
   */
  show?: unknown;
}

export interface ApplyResult {
  outputs: Outputs;
}

/** A runner kind (terraform, tofu, command) behind one interface. */
export interface StackRunnerAdapter {
  /** Whether `apply` should plan first (terraform/tofu always; command when `commands.plan` is set). */
  hasPlanPhase(stack: ResolvedStack): boolean;
  plan(execution: StackExecution): Promise<PlanResult>;
  apply(execution: StackExecution, plan?: PlanResult): Promise<ApplyResult>;
  /**
   * Destroys the stack; given a destroy plan (`plan` with `planDestroy`),
   * terraform/tofu apply exactly that plan file instead of planning anew.
   */
  destroy(execution: StackExecution, plan?: PlanResult): Promise<void>;
  /** `stackfleet run -- CMD...`: argv, never a shell string. */
  runCommand(execution: StackExecution, argv: string[]): Promise<void>;
  /** Current outputs without applying (terraform `output -json`; command stacks: undefined). */
  readOutputs?(execution: StackExecution): Promise<Outputs | undefined>;
  /** terraform/tofu: the parsed `show -json` of a saved plan file, for policies (`apply --from-plan`). */
  showPlan?(execution: StackExecution, planFile: string): Promise<unknown>;
}

/** Thrown by adapters: a process failed. Carries what the engine needs for retries and reporting. */
export interface StackProcessFailure {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
}
