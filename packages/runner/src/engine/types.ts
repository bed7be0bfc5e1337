import type {
  SavedPlanRecord,
  LockHolder,
  Manifest,
  PolicyGate,
  RunStatus,
  RunSummary,
  RunnerKind,
  StackStatus,
  Store,
} from '@stackfleet/core';
import type { RunReporter } from '../run/run-reporter.js';
import type { FingerprintCache, JudgedPlan } from '../saved-plans/fingerprint-stack.js';
import type { PlanResult, StackRunnerAdapter } from '../stack-runner/types.js';

export interface RunOptions {
  runId: string;
  manifest: Manifest;
  /** Absolute directory of the manifest (stacks without `repo` live beside it). */
  manifestDir: string;
  /** Repository name -> absolute checkout directory. */
  repoDirs: Record<string, string>;
  /** Absolute state directory; logs go to `<stateDir>/runs/<runId>/`. */
  stateDir: string;
  /** The orchestrator's environment: inherited by every stack process and seen by `${{ env.X }}`. */
  env: Record<string, string | undefined>;
  store: Store;
  adapters: Record<RunnerKind, StackRunnerAdapter>;
  /** First Ctrl-C: start nothing new, forward SIGINT to running stacks, wait for them. */
  signal?: AbortSignal;
  /** Second Ctrl-C: kill running stacks at once. */
  forceSignal?: AbortSignal;
  /** Who hears the run's events, in this order; each event is masked once, before any of them. */
  reporters: readonly RunReporter[];
  /** argv for `stackfleet run -- CMD...`; required when the plan's command is `run`. */
  runCommand?: string[];
  /** Run dependents even when every upstream left its outputs unchanged. @default false */
  allDependents?: boolean;
  /** `plan --destroy`: stacks plan their destroy (with a destroy-ordered RunPlan). @default false */
  planDestroy?: boolean;
  /**
   * A destroy without saved plans whose plan policies judge it where it runs
   * (a worker of `destroy --remote`): each stack plans its destroy, the plan
   * policies judge that plan, and exactly it is destroyed. @default false
   */
  judgeDestroyPlans?: boolean;
  /** Lease length of a stack lock; renewed every third of it while the stack runs. @default 60000 */
  lockTtlMs?: number;
  /** How long to wait for a lock held by someone else before failing. @default 0 */
  lockTimeoutMs?: number;
  /** Poll interval while waiting for a lock. @default 1000 */
  lockPollMs?: number;
  /** Who holds the locks this run takes. @default this host and process */
  lockHolder?: LockHolder;
  /** @default () => new Date() */
  now?: () => Date;
  /** Resume: stacks finished by an earlier attempt of this run; not run again. */
  alreadyDone?: Map<string, StackStatus>;
  /**
   * Resume: stacks whose apply was in flight when the run stopped. If their plan
   * now shows no changes, that apply completed: their outputs are read again
   * (adapter.readOutputs) and stored, so downstream stacks never get stale ones.
   */
  refreshOutputs?: ReadonlySet<string>;
  /**
   * Shared (PostgreSQL) stores: the repository root that recorded log paths
   * are kept relative to, since other machines read the records.
   */
  recordPathsRelativeTo?: string;
  /** `drift --remediate`: which drifted stacks apply the plan their drift check just made. */
  remediation?: DriftRemediation;
  /**
   * The run's policies (built by the CLI from the `policy` package): access
   * before anything starts, plan policies after each stack's plan (apply,
   * plan, drift remediation), run policies at the end of a `plan` run.
   * @default no policies
   */
  policyGate?: PolicyGate;
  /** Repository name ('' = the manifest's own) -> the git sha this run works on; saved plans record and compare it. @default {} */
  repoShas?: Record<string, string>;
  /** `plan --save`: keep every stack's plan (file, fingerprint, changes) for `apply --from-plan`. @default false */
  savePlans?: boolean;
  /** `apply --from-plan RUN`: apply these saved plans instead of planning (see `SavedPlanApply`). */
  fromPlan?: SavedPlanApply;
  /** What saved plans' fingerprints read, reused within this process (see `FingerprintCache`). @default read for each fingerprint */
  fingerprintCache?: FingerprintCache;
}

/**
 * For `apply --from-plan RUN`: each stack applies its saved plan without
 * planning again, after its fingerprint is compared with the saved one.
 * Files, repo sha or resolved inputs that differ refuse the stack as stale
 * (it fails, its dependents are skipped). Upstream outputs that differ
 * (the plan saw old or mock values) make it plan again once the upstream
 * applied; a new plan that does something else is applied only when
 * `approveChangedPlan` says so. Applied plans are removed (file and record).
 */
export interface SavedPlanApply {
  /** The run that saved the plans. */
  runId: string;
  plans: ReadonlyMap<string, SavedPlanRecord>;
  approveChangedPlan: (stack: string, saved: SavedPlanRecord, fresh: PlanResult) => ChangedPlanAnswer | Promise<ChangedPlanAnswer>;
  /** Why an accepted changed plan was accepted, for the stack's log line (e.g. `--auto-approve`). @default unsaid */
  acceptedBecause?: string;
  /**
   * The plans the plan run's policies judged, in this process (the plan run of
   * an `apply` that plans first; see `JudgedPlan`): what the `kind: run`
   * policies are judged again over when a stack is planned again here.
   * @default none: then the plans kept with the run in the store (`Store.getRunPolicyPlans`) stand in
   */
  judgedPlans?: ReadonlyMap<string, JudgedPlan>;
}

/**
 * What happens to a plan that changed after its upstreams applied: `true`
 * applies it (the plan policies still judge it first), `false` refuses it
 * (the stack fails, `E_PLAN_CHANGED`), `'later'` holds it for a question
 * asked after the run (a terminal): the plan policies judge it now, so the
 * question can show what they say, and the stack stops (`failed`, its
 * dependents skipped) unless they deny it (then it is `denied`: no answer
 * could apply it).
 */
export type ChangedPlanAnswer = boolean | 'later';

/**
 * For command `drift`: after a stack's plan shows changes, `decide` says
 * whether to apply that very plan in the same stack execution (terraform:
 * its saved plan file; command stacks: `commands.apply` right after the
 * plan), so what is applied is what the sweep saw. Only `stacks` are asked;
 * they hold the stack lock for their whole execution, like `apply`, and a
 * mocked input refuses the apply. A remediated stack ends `succeeded`.
 */
export interface DriftRemediation {
  stacks: ReadonlySet<string>;
  decide: (stack: string, plan: PlanResult) => boolean | Promise<boolean>;
  /** After `decide` said yes, policies said no (deny, or an approval is pending): the stack is not remediated. */
  refuse?: (stack: string, reason: string) => void;
}

/** How one stack ended. */
export interface StackOutcome {
  status: StackStatus;
  reason?: string;
  durationMs: number;
  exitCode?: number;
  /** denied / awaiting_approval: the policies' messages. */
  messages?: string[];
}

export interface RunResult {
  status: RunStatus;
  /**
   * Access or run policies denied the whole run (not one stack's plan): an
   * apply or destroy that planned first stops on it before changing anything.
   */
  runDenied?: boolean;
  /** Access policies denied the run: no stack started (issue #13: exit 3 whatever the command). */
  accessDenied?: boolean;
  /**
   * Run policies ask for an approval the run does not hold yet (a plan run):
   * an apply or destroy that planned first stops on it too, unless a person
   * at the terminal prompt gives it.
   */
  runAwaitingApproval?: boolean;
  summary: RunSummary;
  stacks: Map<string, StackOutcome>;
}
