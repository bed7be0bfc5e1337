import { hostname, userInfo } from 'node:os';
import type { ApprovalRecord, PolicyCheck, PolicyCheckSignals, PolicyGate, Store } from '@stackfleet/core';
import {
  buildRunInfo,
  describeStack,
  resolveActor,
  evaluateAccessGate,
  evaluateRunGate,
  evaluateStackGate,
  readsOnlyStableRunFacts,
  type GateContext,
  type GateResult,
  type LoadedPolicy,
  type PlannedStackInput,
  type PolicyRunInfo,
} from '@stackfleet/policy';
import { runPolicyCommand, selectPolicyCommandEnv } from '@stackfleet/runner';
import type { GitIdentity } from '@stackfleet/vcs';
import type { RunPolicyContext } from '../github/read-github-policy-context.js';
import type { Fleet } from '../manifest/read-manifest.js';

export { needsGitEmail } from '@stackfleet/policy';

export type PolicyRunCommand = PolicyRunInfo['command'];
export type PolicyRunType = PolicyRunInfo['type'];

export interface PolicyGateOptions {
  fleet: Fleet;
  policies: readonly LoadedPolicy[];
  store: Store;
  command: PolicyRunCommand;
  /** `--run-type`. */
  runType?: PolicyRunType;
  env: Record<string, string | undefined>;
  git: GitIdentity;
  /**
   * Stacks a human approved at the terminal prompt before this run started
   * (`apply` in a TTY): their pending approvals are recorded in the run, by the
   * actor, and count as the policy package says (`countsApproval`: one
   * approval, by the actor; enough for a rule naming no approvers). A deny
   * still denies.
   */
  approvedAtPrompt?: ReadonlySet<string>;
  /**
   * The run policies' pending approval of the whole run was given at the
   * terminal prompt (the question after a run that held new plans): when they
   * judge a new plan again and still wait, the actor's approval of this run is
   * recorded and counted as at the first prompt.
   */
  runApprovedAtPrompt?: boolean;
  /**
   * The run whose saved plans this run applies (`apply --from-plan RUN`, the
   * apply of an apply that planned first): the approvals recorded for it
   * (`stackfleet approve RUN`, of the run or of its stacks) count here too.
   */
  plannedRunId?: string;
  /**
   * `--github`: what the pull request says (github/read-github-policy-context.ts):
   * the actor with its GitHub teams, the PR number, the run type, and the PR's
   * review approvals, which count as approvals of the whole run.
   */
  github?: RunPolicyContext;
  /**
   * The run has saved plans (`plan --save`, the plan run of an apply that
   * plans first, an apply of saved plans): every judgement of its run
   * policies is kept in the store (`RunPolicyPlans`), for `apply --from-plan`
   * and `resume` to judge the run again.
   */
  keepRunPlans?: boolean;
  /** Resume: the login that started the run (`input.run.plannedBy`); the invoker is `input.run.actor`. */
  plannedBy?: string;
  /** @default () => new Date() */
  now?: () => Date;
}

/** The run's actor and facts, once per process: the same for every check of the run. */
export function buildPolicyRunInfo(
  options: Pick<PolicyGateOptions, 'fleet' | 'command' | 'runType' | 'env' | 'git' | 'plannedBy' | 'github'>,
  runId: string,
): PolicyRunInfo {
  const teams = options.fleet.loaded.manifest.teams;
  const github = options.github;
  const runType = options.runType ?? github?.runType;
  const info = buildRunInfo({
    id: runId,
    command: options.command,
    ...(runType === undefined ? {} : { type: runType }),
    ...(github?.pr === undefined ? {} : { pr: github.pr }),
    env: options.env,
    ...(options.git.email === undefined ? {} : { gitEmail: options.git.email }),
    userAtHost: readUserAtHost(),
    teams,
    branch: options.env['GITHUB_HEAD_REF'] || options.git.branch || null,
    commit: options.git.commit ?? null,
    ...(options.plannedBy === undefined ? {} : { plannedBy: { ...resolveActor({ STACKFLEET_ACTOR: options.plannedBy }, undefined, '', teams), source: 'run' } }),
  });
  if (github?.actor === undefined || options.env['STACKFLEET_ACTOR']) return info;
  // GitHub's actor, with its GitHub teams beside the manifest's.
  const manifestTeams = resolveActor({ STACKFLEET_ACTOR: github.actor.login }, undefined, '', teams).teams;
  const actorTeams = [...new Set([...manifestTeams, ...github.actor.teams])].sort();
  return { ...info, actor: { login: github.actor.login, name: github.actor.login, source: github.actor.source, teams: actorTeams } };
}

/**
 * The bridge between a run (runner's `PolicyGate`) and the `policy` package:
 * builds `input.run` (actor, teams, type), reads the run's approvals from the
 * store at each check, and evaluates the policies (exec ones through the
 * runner's `runPolicyCommand`, with only PATH, HOME and STACKFLEET_*).
 */
export function createPolicyGate(options: PolicyGateOptions): PolicyGate {
  const { fleet, store } = options;
  const specs = fleet.loaded.manifest.stacks;
  const now = options.now ?? (() => new Date());
  // The same for every check of a run; built once (it asks the OS who the user is).
  const runInfos = new Map<string, PolicyRunInfo>();
  const runInfoFor = (runId: string): PolicyRunInfo => {
    let info = runInfos.get(runId);
    if (info === undefined) runInfos.set(runId, (info = buildPolicyRunInfo(options, runId)));
    return info;
  };
  // A resumed run is its own planned run: its approvals are listed once.
  const plannedRunId = options.plannedRunId;
  // What an exec policy's command may see: never a variable a secret of the fleet is read from.
  const commandEnv = selectPolicyCommandEnv(options.env, fleet.loaded.manifest);
  const listApprovals = async (runId: string): Promise<ApprovalRecord[]> =>
    plannedRunId === undefined || plannedRunId === runId
      ? store.listApprovals(runId)
      : [...(await store.listApprovals(plannedRunId)), ...(await store.listApprovals(runId))];
  const contextFor = async (runId: string, signals: PolicyCheckSignals = {}): Promise<GateContext> => ({
    policies: options.policies,
    run: runInfoFor(runId),
    teams: fleet.loaded.manifest.teams,
    // A pull request's review approvals count for the whole run, beside those of `stackfleet approve`.
    approvals: [...(await listApprovals(runId)), ...pullRequestApprovals(runId, options.github)],
    // Ctrl-C stops an exec policy's command; the check then throws, and the stack ends interrupted.
    evaluate: { runCommand: runPolicyCommand, env: commandEnv, ...signals },
  });
  const specOf = (stack: string) => {
    const spec = specs[stack];
    if (spec === undefined) throw new Error(`policy gate: unknown stack "${stack}"`);
    return spec;
  };
  // A kind no policy has needs no input, no approvals and no evaluation.
  const kinds = new Set(options.policies.map((loaded) => loaded.policy.kind));
  const allow: PolicyCheck = { verdict: 'allow', decisions: [] };
  // Approvals count outside CEL too (require_approval): a check that asked for one is never carried over.
  const stablePlanPolicies = readsOnlyStableRunFacts(options.policies.filter((loaded) => loaded.policy.kind === 'plan'));
  return {
    standsForThisRun: (check) => stablePlanPolicies && check.decisions.every((decision) => decision.effect !== 'require_approval'),
    async checkAccess({ runId, stacks, ...signals }) {
      if (!kinds.has('access')) return allow;
      const started = performance.now();
      const result = await evaluateAccessGate(await contextFor(runId, signals), stacks.map(specOf));
      await noticeInterrupt(started, signals);
      return toCheck(result);
    },
    async checkStack({ runId, stack, plan, secrets, forQuestion, ...signals }) {
      if (!kinds.has('plan')) return allow;
      const context = await contextFor(runId, signals);
      const started = performance.now();
      const result = await evaluateStackGate(context, specOf(stack), plan, secrets);
      await noticeInterrupt(started, signals);
      // A plan judged for a later question was not the one approved at the prompt: the question asks about it.
      if (result.verdict !== 'awaiting_approval' || forQuestion === true || !options.approvedAtPrompt?.has(stack)) return toCheck(result);
      // The human at the prompt saw these reasons and said yes: recorded as their approval, which counts as
      // the policy package says (enough for a rule naming no approvers; one of N, if they are allowed, otherwise).
      const by = context.run.actor.login;
      await store.recordApproval({ runId, stack, by, at: now().toISOString(), comment: 'approved at the terminal prompt' });
      return toCheck(await evaluateStackGate({ ...(await contextFor(runId, signals)), approvedAtPrompt: by }, specOf(stack), plan, secrets));
    },
    judgesRuns: kinds.has('run'),
    async checkRun({ runId, stacks, secrets, forQuestion, ...signals }) {
      if (!kinds.has('run')) return allow;
      // A plan as run policies saw it before (kept with the run) is taken as it is, with the stack as the manifest says now.
      const inputs = stacks.map((entry) => {
        const spec = specOf(entry.stack);
        return 'plan' in entry ? { spec, plan: entry.plan } : { spec, planned: { stack: describeStack(spec), ...(entry.kept as Omit<PlannedStackInput, 'stack'>) } };
      });
      const context = await contextFor(runId, signals);
      const started = performance.now();
      let result = await evaluateRunGate(context, inputs, secrets);
      await noticeInterrupt(started, signals);
      // Judged again over a new plan after the "yes" at the question that showed it (`runApprovedAtPrompt`): recorded as the
      // actor's approval of the run, counted as at the first prompt. A plan judged for a later question is not the one approved.
      if (result.verdict === 'awaiting_approval' && options.runApprovedAtPrompt === true && forQuestion !== true) {
        const by = context.run.actor.login;
        await store.recordApproval({ runId, stack: null, by, at: now().toISOString(), comment: 'approved at the terminal prompt' });
        result = await evaluateRunGate({ ...(await contextFor(runId, signals)), approvedAtPrompt: by }, inputs, secrets);
      }
      // Kept with the run that saved the plans: `approve RUN` + `apply --from-plan RUN` judge them again, as does a
      // stack planned again in a later apply of them (judged again in one, the set holds the new plan in its place).
      // A new plan held for a later question is not part of the run unless the answer accepts it.
      if (options.keepRunPlans === true && forQuestion !== true) {
        const plans = result.planned.map(({ stack, ...plan }) => ({ stack: stack.name, plan: { ...plan } }));
        await store.putRunPolicyPlans({ runId: plannedRunId ?? runId, awaiting: result.verdict === 'awaiting_approval', plans, at: now().toISOString() });
      }
      return toCheck(result);
    },
  };
}

/** How long an evaluation may block the event loop before a Ctrl-C could have arrived unseen. */
const NOTICE_INTERRUPT_AFTER_MS = 50;

/**
 * CEL is evaluated on the main thread: a Ctrl-C during a long evaluation is
 * handled only once it returns, and the stack would then go on to apply what
 * was judged (even the next run of an apply, if nothing waited on IO in
 * between). After one that took long enough, a turn of the event loop lets
 * the signal handler run; if the run was interrupted the check throws (no
 * verdict), as an exec policy stopped by Ctrl-C does, and the stack ends
 * interrupted. A quick evaluation costs nothing more.
 */
async function noticeInterrupt(startedAt: number, signals: PolicyCheckSignals): Promise<void> {
  if (signals.signal === undefined || performance.now() - startedAt < NOTICE_INTERRUPT_AFTER_MS) return;
  // Through one poll phase, where libuv reads a pending signal: an immediate queued from the check
  // phase runs in the next turn, after its poll (a single one could still run in this turn's check phase).
  await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  if (signals.signal.aborted) throw new Error('the run was interrupted while its policies were evaluated', { cause: signals.signal.reason });
}

/** `--github`: the pull request's current review approvals, as approvals of the whole run (never stored). */
export function pullRequestApprovals(runId: string, github: RunPolicyContext | undefined): ApprovalRecord[] {
  return (github?.approvals ?? []).map((approval) => ({
    runId,
    stack: null,
    by: approval.by,
    at: approval.at,
    teams: approval.teams,
    ...(approval.comment ? { comment: approval.comment } : {}),
  }));
}

function toCheck(result: GateResult): PolicyCheck {
  return { verdict: result.verdict, decisions: result.decisions };
}

function readUserAtHost(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the host alone still says where.
  }
  return `${user}@${hostname()}`;
}
