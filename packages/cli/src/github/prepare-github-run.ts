import { readPullsForCommit, type RunReport } from '@stackfleet/github';
import type { ExecutedRun } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import type { RunFlags } from '../commands/execute-run.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { readManifestPolicies } from '../policy/read-policies.js';
import { collectRunReport, type RunReportCollector } from './collect-run-report.js';
import { openGithubSession, type GithubFlags, type GithubSession } from './open-github-session.js';
import { publishRunReport, startRunCheck, type ReportTargets } from './publish-run-report.js';
import { readGithubPolicyContext, type RunPolicyContext } from './read-github-policy-context.js';
import { resolvePullRequestRange, resolvePushRange, type GithubRange } from './resolve-github-range.js';

/** A `plan`/`apply` on GitHub, set up before the run and finished after it. */
export interface GithubRun {
  session: GithubSession;
  /** The flags with the event's base/head (or the stacks it affects) filled in. */
  flags: RunFlags;
  /** Attached to the run (choose-reporters.ts): builds the report, holds the run's masker. */
  collector: RunReportCollector;
  /** For the run's policies (`input.run`, `input.approvals`). */
  policyContext: RunPolicyContext;
  /** Posts the comment, completes the check run(s), writes the step summary and outputs. Never throws for an API failure. */
  finish(result: ExecutedRun | undefined, error?: unknown): Promise<void>;
}

/**
 * Reads the event and decides, before anything runs: which commits
 * `--affected` compares (a PR's three-dot diff, a push's before..after),
 * the PR to answer on (the event's, or the merged PR of a pushed commit),
 * the check run on the commit the PR page shows (`pull_request.head.sha`,
 * not the test-merge `GITHUB_SHA`), and the approvals from reviews.
 */
export async function prepareGithubRun(
  context: CommandContext,
  fleet: Fleet,
  command: 'plan' | 'apply',
  flags: RunFlags & GithubFlags,
): Promise<GithubRun> {
  const options = { pull: flags.githubPull };
  const session = await openGithubSession(context, fleet, flags);
  const event = session.context;
  const pull = options.pull ?? event.pullRequest;
  let range: GithubRange | undefined;
  const wantsRange = Boolean(flags.affected) && flags.base === undefined && flags.head === undefined;
  if (wantsRange && pull) range = await resolvePullRequestRange(session.repoRoot, pull);
  else if (wantsRange && event.push) range = await resolvePushRange(context, fleet, session.repoRoot, event.push);
  const { githubPull: _pull, ...given } = flags;
  // A PR's plan is saved (like `--save`) for `/stackfleet apply`, which finds it by the PR and its head.
  const plain: RunFlags = command === 'plan' && pull && !flags.destroy ? { ...given, save: true, pullRequest: { number: pull.number, headSha: pull.headSha } } : given;
  const runFlags: RunFlags = range === undefined ? plain : 'affected' in range ? { ...plain, affectedStacks: range.affected } : { ...plain, ...range };

  const sha = pull?.headSha || event.push?.after || event.sha;
  const pullNumber = pull?.number ?? (event.push ? await findMergedPull(session, event.push.after) : undefined);
  const targets: ReportTargets = {
    ...(pullNumber === undefined ? {} : { pullNumber }),
    comment: event.push && !options.pull ? 'new' : 'sticky',
    check: { name: `stackfleet/${command}`, sha, perStack: flags.githubChecks === 'per-stack' },
    stackLines: (stack) => fleet.loaded.locate(`stacks.${stack}`)?.line ?? 1,
  };
  await startRunCheck(session, targets);
  const policyContext = await readGithubPolicyContext(session, {
    runType: command === 'plan' ? 'proposed' : 'tracked',
    ...(options.pull ? { pull: options.pull } : pullNumber === undefined ? {} : { pull: pullNumber }),
    teams: readPolicyTeams(fleet, context.io.cwd),
  });
  const collector = collectRunReport({ manifest: fleet.loaded.manifest, manifestPath: session.manifestPath, sha, ...(event.runUrl ? { runUrl: event.runUrl } : {}) });
  return {
    session,
    flags: runFlags,
    collector,
    policyContext,
    async finish(result, error) {
      const report: RunReport = collector.report() ?? { command, runId: '', manifestPath: session.manifestPath, sha, stacks: [] };
      if (error !== undefined) report.error = error instanceof Error ? error.message : 'the run failed';
      if (runFlags.save && result?.status === 'succeeded' && result.runId) report.savedPlanRunId = result.runId;
      if (report.stacks.length === 0 && !report.error) report.nothingAffected = true;
      await publishRunReport(session, report, targets, collector.mask);
    },
  };
}

/** The merged PR a pushed commit came from (its merge commit, or its head for a fast-forward). */
async function findMergedPull(session: GithubSession, sha: string): Promise<number | undefined> {
  try {
    const [number] = await readPullsForCommit(session.client, session.repo, sha);
    return number;
  } catch (error) {
    session.warn('find the pull request of the pushed commit', error);
    return undefined;
  }
}

/**
 * The teams the fleet's policies mention: `team:NAME` approvers, and the
 * string literals of a rule whose `when` reads `teams` (`"platform" in
 * input.approvals[0].teams`). Only their membership is asked of GitHub (one
 * call per person and team); a team named nowhere is never looked up.
 */
function readPolicyTeams(fleet: Fleet, cwd: string): string[] {
  try {
    const teams = new Set<string>();
    for (const { policy } of readManifestPolicies(fleet, cwd)) {
      for (const rule of 'rules' in policy ? policy.rules : []) {
        for (const entry of rule.approvers ?? []) if (entry.startsWith('team:')) teams.add(entry.slice('team:'.length));
        if (/\bteams\b/.test(rule.when.text)) for (const literal of readStringLiterals(rule.when.text)) teams.add(literal);
      }
    }
    return [...teams].sort();
  } catch {
    // The run itself reports a policy that does not parse (fail closed); teams are only an input.
    return [];
  }
}

/** `"a"` and `'b'` in a CEL expression: candidate team slugs (GitHub's slugs are lower-case letters, digits, `-` and `_`). */
function readStringLiterals(text: string): string[] {
  return [...text.matchAll(/"([^"\\]*)"|'([^'\\]*)'/g)].map((match) => match[1] ?? match[2] ?? '').filter((literal) => /^[a-z0-9][a-z0-9_-]*$/.test(literal));
}
