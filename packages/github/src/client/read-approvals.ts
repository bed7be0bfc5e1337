import type { GithubClient } from './create-github-client.js';
import type { RepoRef } from './upsert-sticky-comment.js';

/** An approval as policies see it (`input.approvals`). */
export interface Approval {
  by: string;
  at: string;
  comment: string;
  teams: string[];
}

export interface PullRequestInfo {
  number: number;
  author: string;
  headSha: string;
  baseSha: string;
  mergeable: boolean | null;
  merged: boolean;
  state: string;
}

export async function readPullRequest(client: GithubClient, target: RepoRef, number: number): Promise<PullRequestInfo> {
  const { data } = await client.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: number });
  return {
    number: data.number,
    author: data.user?.login ?? '',
    headSha: data.head.sha,
    baseSha: data.base.sha,
    mergeable: data.mergeable ?? null,
    merged: data.merged ?? false,
    state: data.state,
  };
}

/**
 * The PR's current approvals: each reviewer's LATEST review counts (an
 * approval followed by "changes requested" or a dismissal is gone), only
 * `APPROVED` ones on the head commit (a review of an older commit is stale),
 * and never the PR's author.
 */
export async function readApprovals(client: GithubClient, target: RepoRef, pull: PullRequestInfo): Promise<Approval[]> {
  const reviews = await client.paginate(client.rest.pulls.listReviews, { owner: target.owner, repo: target.repo, pull_number: pull.number, per_page: 100 });
  const latest = new Map<string, (typeof reviews)[number]>();
  for (const review of reviews) {
    const login = review.user?.login;
    if (!login || review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    const previous = latest.get(login);
    if (!previous || (review.submitted_at ?? '') >= (previous.submitted_at ?? '')) latest.set(login, review);
  }
  return [...latest.values()]
    .filter((review) => review.state === 'APPROVED' && review.commit_id === pull.headSha && review.user?.login !== pull.author)
    .map((review) => ({ by: review.user?.login ?? '', at: review.submitted_at ?? '', comment: review.body ?? '', teams: [] }))
    .sort((a, b) => a.by.localeCompare(b.by));
}

/** Teams (of `org`) among `candidates` that `login` belongs to; one API call per team. */
export async function readTeamMemberships(client: GithubClient, org: string, login: string, candidates: string[]): Promise<string[]> {
  const teams: string[] = [];
  for (const team of candidates) {
    try {
      const { data } = await client.rest.teams.getMembershipForUserInOrg({ org, team_slug: team, username: login });
      if (data.state === 'active') teams.push(team);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  return teams;
}

/** Whether `login` may push to the repository (admin, maintain or write). */
export async function hasWritePermission(client: GithubClient, target: RepoRef, login: string): Promise<boolean> {
  const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ owner: target.owner, repo: target.repo, username: login });
  return data.permission === 'admin' || data.permission === 'write' || data.permission === 'maintain';
}

/** The pull requests a pushed commit belongs to (the merged PR of a push to the default branch). */
export async function readPullsForCommit(client: GithubClient, target: RepoRef, sha: string): Promise<number[]> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ owner: target.owner, repo: target.repo, commit_sha: sha });
  return data.map((pull) => pull.number);
}
