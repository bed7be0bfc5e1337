/**
 * The persistence contract. `state` implements it (SQLite now, PostgreSQL
 * later); `runner` and `cli` only ever see this interface. Every method is
 * async so that networked stores fit. Writes are durable when the promise
 * resolves: callers write a transition *before* acting on it.
 */
import type { ChangeSummary, Outputs, Phase, RunnerKind } from './model.js';
import type { RunCommand, RunStatus, StackStatus } from './events.js';
import type { ApprovalRecord, PolicyDecisionRecord } from './policy-gate.js';

export interface StoredOutputs {
  stack: string;
  outputs: Outputs;
  runId: string;
  updatedAt: string;
}

export interface RunRecord {
  id: string;
  command: RunCommand;
  /** The selection as given on the command line, for `history`/`resume`. */
  selection: Record<string, unknown>;
  /** Stacks in run order. */
  stacks: string[];
  /** user@host and pid that started the run. */
  startedBy: string;
  host: string;
  pid: number;
  /** Repository name ('' = the manifest's own) -> resolved git sha. */
  repoShas: Record<string, string>;
  manifestPath: string;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
}

/** What retention needs of a run (`Store.listRunHeaders`): no selection, stack list or shas to decode. */
export type RunHeader = Pick<RunRecord, 'id' | 'status' | 'startedAt' | 'finishedAt' | 'host' | 'pid'>;

/** Lifecycle of one stack inside a run; written before it is acted on. */
export type StackRunState =
  | 'pending'
  | 'running'
  | 'planned'
  | 'applying'
  | StackStatus;

export interface StackRunRecord {
  runId: string;
  stack: string;
  state: StackRunState;
  phase?: Phase | 'run';
  attempt: number;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  changes?: ChangeSummary;
  reason?: string;
  logFile?: string;
}

export interface LockHolder {
  host: string;
  pid: number;
  runId: string;
}

export interface LockRecord extends LockHolder {
  stack: string;
  acquiredAt: string;
  expiresAt: string;
}

export type LockResult =
  | { acquired: true; lock: LockRecord }
  | { acquired: false; heldBy: LockRecord };

export interface DriftRecord {
  stack: string;
  runId: string;
  checkedAt: string;
  status: 'drifted' | 'clean' | 'error';
  changes?: ChangeSummary;
  remediated?: boolean;
  message?: string;
}

/**
 * What `plan --save` keeps of one stack's plan, so that `apply --from-plan`
 * can apply exactly it or refuse it as stale. Never a secret in clear: the
 * inputs are salted digests (the plan *file* does hold secrets; it lives
 * 0600 under the state dir, see `savedPlanFile`).
 */
export interface SavedPlanRecord {
  runId: string;
  stack: string;
  runner: RunnerKind;
  hasChanges: boolean;
  changes?: ChangeSummary;
  /** terraform/tofu: the saved plan file (absolute). Command stacks have none. */
  planFile?: string;
  /**
   * terraform/tofu: salted sha256 of the plan file's bytes (runner's `digestPlanFile`),
   * checked when the file is restored from the store on another machine.
   */
  planFileDigest?: string;
  /** The stack's repository ('' = the manifest's own) and the sha it was planned at ('' = not a git repo). */
  repo: string;
  repoSha: string;
  /** Hex salt of every digest below. */
  salt: string;
  /**
   * What the plan was made from, input label -> salted sha256:
   * `env X`, `file F`, `secret S`, `stack file main.tf`, `outputs of network`, …
   * (see the runner's `fingerprintStack`).
   */
  digests: Record<string, string>;
  createdAt: string;
}

/**
 * The plans `kind: run` policies last judged in a run that saved its plans
 * (`plan --save`, the plan run of an apply that plans first, and the applies
 * of its plans, which continue the run): each stack's plan as they saw it
 * (their `input.stacks[i]` without `stack`: `changes`, and terraform's
 * `terraform`, sanitized: never a secret), in run order. Kept as long as the
 * run, after its saved plans are applied and removed too, so that
 * `apply --from-plan` and `resume` can judge the run again over all of them:
 * with the approvals given since, and with a stack's new plan in place of
 * its saved one when it was planned again after its upstreams applied.
 */
export interface RunPolicyPlans {
  runId: string;
  /** Their judgement left the run awaiting an approval: `apply --from-plan` judges them again before applying anything. */
  awaiting: boolean;
  plans: { stack: string; plan: Record<string, unknown> }[];
  at: string;
}

export interface Store {
  // outputs
  getOutputs(stack: string): Promise<StoredOutputs | undefined>;
  /** Optional: the stored outputs of many stacks at once (one query); absent stacks are left out. */
  getManyOutputs?(stacks: readonly string[]): Promise<Map<string, StoredOutputs>>;
  setOutputs(stack: string, outputs: Outputs, runId: string): Promise<void>;
  deleteOutputs(stack: string): Promise<void>;

  // runs
  createRun(run: RunRecord): Promise<void>;
  finishRun(runId: string, status: RunStatus, finishedAt: string): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(options?: { stack?: string; limit?: number }): Promise<RunRecord[]>;
  /**
   * The newest run whose status is `interrupted` or `crashed`. `getRun`,
   * `listRuns` and this report a run recorded `running` as `crashed` while its
   * process is provably gone (same host, pid no longer exists).
   */
  findResumableRun(): Promise<RunRecord | undefined>;
  /**
   * Optional (additive): marks a run `running` again for `resume`, clears its
   * `finishedAt`, and records the resuming process as its `host`/`pid` (keeping
   * `startedBy`), so `findResumableRun` skips the run while that process lives.
   */
  reopenRun?(runId: string, by: { host: string; pid: number }): Promise<void>;
  /**
   * Optional (additive): every run as `listRuns` reads it (newest first,
   * `crashed` included) but only what retention needs, so the cleanup after
   * every run does not decode every kept run's stack list.
   */
  listRunHeaders?(): Promise<RunHeader[]>;

  // per-stack progress inside a run
  putStackRun(record: StackRunRecord): Promise<void>;
  /**
   * Optional (additive): several rows as one transaction, each as
   * `putStackRun` writes it (a run's `pending` rows: one write instead of one
   * per stack). Absent, callers write them one by one.
   */
  putStackRuns?(records: readonly StackRunRecord[]): Promise<void>;
  /**
   * Optional (additive): `writes`, calls of this store's own write methods
   * made inside it, committed as one transaction (a stack's final row with
   * the release of its lock and its saved plan's row: one commit instead of
   * three). Each call still fails on its own, as it would outside. Absent,
   * callers make the calls one after another.
   */
  writeTogether?(writes: () => ReadonlyArray<Promise<unknown>>): Promise<void>;
  listStackRuns(runId: string): Promise<StackRunRecord[]>;
  /** Newest first, across runs. */
  listStackHistory(stack: string, limit?: number): Promise<StackRunRecord[]>;

  // saved plans (`plan --save`); removed once applied
  /**
   * `planFile`: the terraform plan file's bytes, kept with the record and
   * encrypted with the state key (it holds secrets in clear), so that an
   * apply on another machine (a later CI job) can restore it.
   */
  putSavedPlan(record: SavedPlanRecord, planFile?: Uint8Array): Promise<void>;
  /** The run's saved plans, by stack name (without the plan files). */
  listSavedPlans(runId: string): Promise<SavedPlanRecord[]>;
  /** The plan file kept with a saved plan, decrypted; undefined when none is kept (any more). */
  readSavedPlanFile(runId: string, stack: string): Promise<Uint8Array | undefined>;
  /** The record and its plan file. */
  deleteSavedPlan(runId: string, stack: string): Promise<void>;
  /**
   * Drops the plan files kept with saved plans created before `createdBefore`
   * (ISO 8601; expired plans, `settings.retention.age`); their records stay,
   * so applying one still says it expired. Returns how many files (would) go.
   */
  clearSavedPlanFiles(createdBefore: string, options?: { dryRun?: boolean }): Promise<number>;

  // the plans run policies judged in a run with saved plans: replaced whole at each judgement, gone with the run
  putRunPolicyPlans(record: RunPolicyPlans): Promise<void>;
  getRunPolicyPlans(runId: string): Promise<RunPolicyPlans | undefined>;

  // locks (leases)
  acquireLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<LockResult>;
  renewLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<boolean>;
  releaseLock(stack: string, holder: LockHolder): Promise<void>;
  forceUnlock(stack: string): Promise<LockRecord | undefined>;
  listLocks(): Promise<LockRecord[]>;

  // drift
  recordDrift(record: DriftRecord): Promise<void>;
  latestDrift(stack: string): Promise<DriftRecord | undefined>;
  driftHistory(stack?: string, limit?: number): Promise<DriftRecord[]>;

  // policies: every decision of a run, and the approvals given to it
  recordPolicyDecisions(records: readonly PolicyDecisionRecord[]): Promise<void>;
  /** In the order recorded. */
  listPolicyDecisions(runId: string): Promise<PolicyDecisionRecord[]>;
  recordApproval(record: ApprovalRecord): Promise<void>;
  /** In the order given. */
  listApprovals(runId: string): Promise<ApprovalRecord[]>;

  close(): Promise<void>;
}
