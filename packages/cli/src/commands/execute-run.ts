import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, sep } from 'node:path';
import { buildRunPlan, formatApproveCommand, StackfleetError, type PolicyGate, type ResumeState, type RunCommand, type RunPlan, type Store } from '@stackfleet/core';
import { executeRunPlan, isQueueStore, type ExecuteRunOptions, type ExecutedRun, type RunResult, type SavedPlanApply, type FingerprintCache } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';
import type { SelectionOptions } from '../options.js';
import type { RunReportCollector } from '../github/collect-run-report.js';
import type { RunPolicyContext } from '../github/read-github-policy-context.js';
import { chooseReporters, type CallerPresentation } from '../output/choose-reporters.js';
import type { PolicyRunType } from '../policy/create-policy-gate.js';
import { readRepoRoot } from '@stackfleet/vcs';
import { openRuntime, type Runtime } from '../runtime/open-runtime.js';
import { isInteractive } from './confirm.js';

export interface RunFlags extends SelectionOptions {
  autoApprove?: boolean;
  detailedExitcode?: boolean;
  /** Milliseconds: parsed at the flag. */
  lockTimeout?: number;
  allDependents?: boolean;
  dependents?: boolean;
  /** `plan --destroy`. */
  destroy?: boolean;
  /** `--run-type`: input.run.type for policies. */
  runType?: PolicyRunType;
  /** `plan --save`. */
  save?: boolean;
  /** `apply --from-plan RUN`. */
  fromPlan?: string;
  /**
   * A `plan` run made by an apply or destroy that plans every stack first
   * (plan-then-apply.ts): policies see that command as `input.run.command`.
   * Kept in the run's selection, so a resumed one still does.
   */
  previewOf?: 'apply' | 'destroy';
  /**
   * The pull request a `plan --github` planned (its head commit): kept in the
   * run's selection so `/stackfleet apply` finds the PR's saved plans.
   */
  pullRequest?: { number: number; headSha: string };
  /** Queue the run for workers and follow it (PostgreSQL store). */
  remote?: boolean;
}

/** `-j`, else settings.concurrency, else min(4, CPUs). */
export function resolveConcurrency(context: CommandContext, fleet: Fleet): number {
  return (
    context.global.concurrency ??
    fleet.loaded.manifest.settings.concurrency ??
    Math.max(1, Math.min(4, availableParallelism()))
  );
}

/** Builds the pure RunPlan for a command over the selected stacks. */
export async function buildPlanForCommand(context: CommandContext, fleet: Fleet, command: RunCommand, flags: RunFlags): Promise<RunPlan> {
  const selection = await context.select(fleet, flags);
  return buildRunPlan(fleet.graph, selection, {
    command,
    concurrency: resolveConcurrency(context, fleet),
    limits: fleet.loaded.manifest.settings.limits,
    failFast: Boolean(context.global.failFast),
  });
}

export interface ExecuteOptions {
  fleet: Fleet;
  plan: RunPlan;
  flags: RunFlags;
  runCommand?: string[];
  /** Resume: continue this run instead of starting a new one (`buildResumePlan`). */
  resume?: ResumeState;
  /** The caller shows the run itself (the fleet UI); default: `chooseReporters` decides. */
  caller?: CallerPresentation;
  /** `--github`: the listener that builds the report GitHub is shown (github/prepare-github-run.ts). */
  github?: RunReportCollector;
  /**
   * Approvals (from PR reviews), the actor with its teams, run type and PR,
   * for the run's policy evaluation (issue #13 reads it here; `--github` supplies it).
   */
  policyContext?: RunPolicyContext;
  /** Stacks whose pending approvals a human gave at the terminal prompt (`apply` in a TTY). */
  approvedAtPrompt?: ReadonlySet<string>;
  /** The run policies' pending approval of the whole run was given at the question after a run that held new plans. */
  runApprovedAtPrompt?: boolean;
  /** `plan --save` (and the first half of an interactive apply). */
  savePlans?: boolean;
  /** `apply --from-plan RUN` (and the second half of an interactive apply). */
  fromPlan?: SavedPlanApply;
  /** What saved plans' fingerprints read, shared by the two runs of one `apply --auto-approve` (see `FingerprintCache`). */
  fingerprintCache?: FingerprintCache;
  /** Opened by the caller for several runs (the two of one `apply --auto-approve`), which closes it; by default each run opens its own. */
  runtime?: Runtime;
}

/** plan/apply/destroy/run/resume: the runtime, the reporters, and the runner's `executeRunPlan`. */
export function executeRun(context: CommandContext, options: ExecuteOptions): Promise<ExecutedRun> {
  if (options.flags.remote) {
    refuseUnsupportedRemote(options);
    return (async () => {
      if (options.fleet.loaded.manifest.policies.length > 0 && options.plan.command !== 'run') await refuseRemoteRunPolicies(context, options.fleet, options.plan.command);
      return startRun(context, options, async (run) => {
        const [{ followRemoteRun }, { checkRemoteAccess }] = await Promise.all([import('../remote/follow-remote-run.js'), import('../policy/check-remote-access.js')]);
        // Access policies decide here, before anything is queued; denied, the run is recorded here and nothing runs.
        const denied = await checkRemoteAccess(run.policyGate, options.plan);
        if (denied) return executeRunPlan(options.plan, { ...run, policyGate: denied });
        // Workers ask the plan policies between each stack's plan and its apply (worker/run-worker.ts).
        return followRemoteRun(
          options.plan,
          { ...run, ...(options.runCommand ? { runCommand: options.runCommand } : {}), ...(options.resume ? { resume: options.resume } : {}) },
          context.note,
        );
      });
    })();
  }
  return startRun(context, options, (run) =>
    executeRunPlan(options.plan, {
      ...run,
      ...(options.runCommand ? { runCommand: options.runCommand } : {}),
      ...(options.resume ? { resume: options.resume } : {}),
      ...(options.savePlans ? { savePlans: true } : {}),
      ...(options.fromPlan ? { fromPlan: options.fromPlan } : {}),
      ...(options.fingerprintCache ? { fingerprintCache: options.fingerprintCache } : {}),
    }),
  );
}

/** What workers cannot do yet, refused before anything is queued (`--remote` on any run command, drift included). */
export function refuseUnsupportedRemote(options: Pick<ExecuteOptions, 'savePlans' | 'fromPlan'>): void {
  if (options.savePlans || options.fromPlan) {
    // Workers do not carry saved plans yet: refuse rather than apply something unreviewed.
    throw new StackfleetError('E_USAGE', '--remote with saved plans (plan --save, apply --from-plan, or an interactive apply) is not supported yet', {
      hint: 'use `stackfleet plan --remote` to review, then `stackfleet apply --remote --auto-approve`',
    });
  }
}

/**
 * `kind: run` policies judge every plan of a run at once, before anything is
 * applied; workers plan and apply stack by stack, so no worker ever holds them
 * all: refuse rather than skip them (policies fail closed), and say what works.
 */
async function refuseRemoteRunPolicies(context: CommandContext, fleet: Fleet, command: RunCommand): Promise<void> {
  const { readManifestPolicies } = await import('../policy/read-policies.js');
  const runPolicies = readManifestPolicies(fleet, context.io.cwd).filter((loaded) => loaded.policy.kind === 'run');
  if (runPolicies.length === 0) return;
  const changes = command === 'apply' || command === 'destroy';
  throw new StackfleetError(
    'E_USAGE',
    `--remote is not supported for a fleet with \`kind: run\` policies (${runPolicies.map((loaded) => loaded.refs[0]!.file).join(', ')}): they judge every stack's plan at once${changes ? ' before any is applied' : ''}, and workers plan ${changes ? 'and apply ' : ''}stack by stack`,
    {
      hint: changes
        ? `run the same command on this machine without --remote (\`stackfleet ${command} --auto-approve\` with your selectors): it plans every stack first, the run policies judge all the plans, and only then is anything ${command === 'apply' ? 'applied' : 'destroyed'}`
        : `run the same command on this machine without --remote (\`stackfleet ${command}\` with your selectors): the run policies judge every plan at its end`,
    },
  );
}

/**
 * What every run of the CLI shares, whichever runner call runs it
 * (`executeRunPlan`, `runDriftSweep`): repository checkouts, the store and
 * adapters (`openRuntime`), the reporters and Ctrl-C (`chooseReporters`),
 * and the flags as the runner's options. The live UI, when chosen, renders
 * while `run` runs.
 */
export async function startRun<T>(
  context: CommandContext,
  options: Pick<ExecuteOptions, 'fleet' | 'plan' | 'flags' | 'caller' | 'github' | 'policyContext' | 'approvedAtPrompt' | 'runApprovedAtPrompt' | 'resume' | 'fromPlan' | 'runtime'>,
  run: (base: ExecuteRunOptions) => Promise<T>,
): Promise<T> {
  const { io } = context;
  const { fleet, plan, flags } = options;
  const runtime = options.runtime ?? (await openRuntime(fleet, io.env, context.note));
  try {
    const policies = await preparePolicies(context, { ...options, runtime });
    const shared = await readSharedPaths(fleet, runtime.store);
    const presentation = await chooseReporters(context, {
      fleet,
      plan,
      store: runtime.store,
      ...(options.caller ? { caller: options.caller } : {}),
      ...(options.github ? { github: options.github } : {}),
    });
    try {
      const running = run({
        manifest: fleet.loaded.manifest,
        manifestDir: fleet.manifestDir,
        manifestPath: shared?.manifestPath ?? fleet.manifestPath,
        ...(shared ? { recordPathsRelativeTo: shared.repoRoot } : {}),
        repoDirs: runtime.repoDirs,
        repoShas: runtime.repoShas,
        stateDir: fleet.stateDir,
        env: io.env,
        store: runtime.store,
        adapters: runtime.adapters,
        listeners: presentation.listeners,
        signal: presentation.interrupts.signal,
        forceSignal: presentation.interrupts.forceSignal,
        // The actor is kept so that a resumed run knows who planned it (input.run.plannedBy).
        selection: { ...describeSelection(flags), ...(policies ? { actor: policies.actor } : {}) },
        ...(policies ? { policyGate: policies.gate } : {}),
        allDependents: flags.allDependents,
        ...(flags.destroy ? { planDestroy: true } : {}),
        lockTimeoutMs: flags.lockTimeout ?? 0,
        ...readLockTuning(io.env),
      });
      await presentation.show(running);
      return await running;
    } finally {
      presentation.dispose();
    }
  } finally {
    if (options.runtime === undefined) await runtime.close();
  }
}

/** The flags as the run record keeps them (the stacks a GitHub push affected are a list there, not a Map). */
function describeSelection(flags: RunFlags): Record<string, unknown> {
  const { affectedStacks, ...rest } = flags;
  return affectedStacks ? { ...rest, affectedStacks: [...affectedStacks.keys()] } : { ...rest };
}

/**
 * The run's policy gate, when the manifest names policies (read and parsed
 * here: a policy that does not parse stops the run before it starts). `run --`
 * commands are not checked: they change nothing stackfleet could plan.
 */
async function preparePolicies(
  context: CommandContext,
  options: Pick<ExecuteOptions, 'fleet' | 'plan' | 'flags' | 'approvedAtPrompt' | 'runApprovedAtPrompt' | 'resume' | 'fromPlan' | 'policyContext' | 'savePlans'> & { runtime: Runtime },
): Promise<{ gate: PolicyGate; actor: string } | undefined> {
  const { fleet, plan, flags, runtime } = options;
  if (fleet.loaded.manifest.policies.length === 0 || plan.command === 'run') return undefined;
  const [{ readManifestPolicies }, { createPolicyGate, buildPolicyRunInfo, needsGitEmail }] = await Promise.all([
    import('../policy/read-policies.js'),
    import('../policy/create-policy-gate.js'),
  ]);
  // Who planned what is applied now: the run whose saved plans are applied (resumed or not), else the resumed run.
  const plannedRunId = options.fromPlan?.runId ?? options.resume?.runId;
  const plannedBy = plannedRunId === undefined ? undefined : (await runtime.store.getRun(plannedRunId))?.selection['actor'];
  const gateOptions = {
    fleet,
    policies: readManifestPolicies(fleet, context.io.cwd),
    store: runtime.store,
    command: flags.previewOf ?? plan.command,
    ...(flags.runType === undefined ? {} : { runType: flags.runType }),
    env: context.io.env,
    git: await runtime.readGitIdentity({ email: needsGitEmail(context.io.env) }),
    ...(options.approvedAtPrompt ? { approvedAtPrompt: options.approvedAtPrompt } : {}),
    ...(options.runApprovedAtPrompt ? { runApprovedAtPrompt: true } : {}),
    ...(typeof plannedBy === 'string' ? { plannedBy } : {}),
    // Approvals of the `plan --save` run count for the run that applies its plans.
    ...(options.fromPlan ? { plannedRunId: options.fromPlan.runId } : {}),
    ...(options.policyContext ? { github: options.policyContext } : {}),
    // A run with saved plans keeps what its run policies judged: applying its plans may judge them again.
    ...(options.savePlans || options.fromPlan ? { keepRunPlans: true } : {}),
  };
  return { gate: createPolicyGate(gateOptions), actor: buildPolicyRunInfo(gateOptions, '').actor.login };
}

/**
 * A shared (PostgreSQL) store is read from other machines: its records hold
 * the manifest's and the logs' paths relative to the repository root, never
 * this machine's absolute paths. Undefined for SQLite, or outside git.
 */
async function readSharedPaths(fleet: Fleet, store: Store): Promise<{ repoRoot: string; manifestPath: string } | undefined> {
  if (!isQueueStore(store)) return undefined;
  const repoRoot = await readRepoRoot(fleet.manifestDir).catch(() => undefined);
  if (repoRoot === undefined) return undefined;
  return { repoRoot, manifestPath: relative(repoRoot, realpathSync(fleet.manifestPath)).split(sep).join('/') };
}

/**
 * `STACKFLEET_LOCK_TTL_MS` (lease length, default 60000; renewed every third
 * of it) and `STACKFLEET_LOCK_POLL_MS` (poll interval while waiting for a
 * lock, default 1000). Short leases make a crashed holder on another host
 * expire sooner; tests use them too.
 */
export function readLockTuning(env: Record<string, string | undefined>): { lockTtlMs?: number; lockPollMs?: number } {
  const read = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new StackfleetError('E_USAGE', `Expected \`${name}\` to be a whole number of milliseconds from 1 and up, got \`${text}\``, {
        hint: `unset ${name} or set it to e.g. 60000`,
      });
    }
    return value;
  };
  const ttl = read('STACKFLEET_LOCK_TTL_MS');
  const poll = read('STACKFLEET_LOCK_POLL_MS');
  return { ...(ttl === undefined ? {} : { lockTtlMs: ttl }), ...(poll === undefined ? {} : { lockPollMs: poll }) };
}

/** SPEC §4 exit codes for run commands: 3 when a policy denied, or a stack waits for an approval. */
export function exitCodeFor(command: RunCommand, result: RunResult, detailedExitcode = false): number {
  if (result.status === 'denied' || result.status === 'awaiting_approval') return 3;
  if (result.status !== 'succeeded') return 1;
  if (command === 'plan' && detailedExitcode) return result.summary.changed > 0 ? 2 : 0;
  return 0;
}

export function requireApproval(context: CommandContext, command: 'apply' | 'destroy', flags: RunFlags): void {
  if (flags.autoApprove) return;
  if (isInteractive(context)) return;
  throw new StackfleetError('E_APPROVAL_REQUIRED', `${command} needs approval but there is no terminal to ask in`, {
    hint: `review with \`stackfleet plan\`, then run \`stackfleet ${command} --auto-approve\``,
  });
}

/**
 * What to run for a saved plan run that run policies left awaiting an
 * approval of the whole run: its plans are applied by `apply --from-plan`;
 * a destroy's (`command` destroy) by `resume`, which continues that destroy.
 */
export function describeRunApproval(runId: string, command: 'apply' | 'destroy' = 'apply'): string {
  return `stackfleet approve ${runId} [--comment TEXT] (by an approver other than the planner), then ${describeSavedRunContinuation(runId, command)}`;
}

/** The command that applies a plan run's saved plans once run policies allow: `apply --from-plan`, or `resume` for a destroy's. */
export function describeSavedRunContinuation(runId: string, command: 'apply' | 'destroy'): string {
  return command === 'apply' ? `stackfleet apply --from-plan ${runId}` : `stackfleet resume ${runId}`;
}

/**
 * Headless, a stack that needs approval stops the run: say what to run next
 * (stderr, so NDJSON stays clean), also when another stack was denied (the
 * run is then `denied`, and resume still applies the approved ones).
 */
export function printApprovalHint(context: CommandContext, result: ExecutedRun): void {
  if (![...result.stacks.values()].some((stack) => stack.status === 'awaiting_approval')) return;
  const runId = result.runId;
  context.note(`run ${runId} is awaiting approval: ${formatApproveCommand(runId)}, then stackfleet resume ${runId}`);
}
