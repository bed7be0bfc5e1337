import { readApprovals, readPullRequest, readTeamMemberships, type Approval, type PullRequestInfo } from '@stackfleet/github';
import type { GithubSession } from './open-github-session.js';

/**
 * What GitHub tells a run's policies (`input.run`, `input.approvals`): the
 * run type, the PR, the actor (`GITHUB_ACTOR`, source `github`) with the
 * teams the rules ask about, and the PR's current approvals with theirs.
 * An injected value: the run's policy evaluation (issue #13) reads it from
 * the run options (`ExecuteOptions.policyContext`).
 */
export interface RunPolicyContext {
  runType: 'proposed' | 'tracked';
  pr?: number;
  actor?: { login: string; source: 'github'; teams: string[] };
  approvals: Approval[];
}

/**
 * Reads approvals from the PR's reviews (latest per reviewer, `APPROVED` on
 * the head commit, never the author) and team memberships for `teams` (the
 * `team:NAME` entries of the policies' approvers). A failed API call leaves
 * the approvals empty (fail closed) with a warning.
 */
export async function readGithubPolicyContext(
  session: GithubSession,
  options: { runType: RunPolicyContext['runType']; pull?: PullRequestInfo | number; teams: readonly string[] },
): Promise<RunPolicyContext> {
  const { client, repo, context } = session;
  const teamsOf = async (login: string): Promise<string[]> => (options.teams.length === 0 ? [] : readTeamMemberships(client, repo.owner, login, [...options.teams]));
  const result: RunPolicyContext = { runType: options.runType, approvals: [] };
  try {
    if (context.actor) result.actor = { login: context.actor, source: 'github', teams: await teamsOf(context.actor) };
    if (options.pull !== undefined) {
      const pull = typeof options.pull === 'number' ? await readPullRequest(client, repo, options.pull) : options.pull;
      result.pr = pull.number;
      const approvals = await readApprovals(client, repo, pull);
      result.approvals = await Promise.all(approvals.map(async (approval) => ({ ...approval, teams: await teamsOf(approval.by) })));
      const who = result.approvals.map((approval) => approval.by).join(', ') || 'none';
      session.note(`note: approvals from the reviews of #${pull.number} (latest per reviewer, on ${pull.headSha.slice(0, 7)}, not the author's): ${who}`);
    }
  } catch (error) {
    session.warn('read approvals from the pull request reviews', error);
  }
  return result;
}
