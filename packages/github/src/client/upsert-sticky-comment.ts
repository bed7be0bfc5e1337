import { hasMarker } from '../render/marker.js';
import type { GithubClient } from './create-github-client.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * Creates the one comment carrying `marker` on an issue or pull request, or
 * updates it in place: never a second comment. Comments are found by the
 * marker, not by the author (a GITHUB_TOKEN cannot read `/user`).
 */
export async function upsertStickyComment(
  client: GithubClient,
  target: RepoRef & { issueNumber: number },
  marker: string,
  body: string,
): Promise<{ id: number; created: boolean; url: string }> {
  const existing = await findCommentByMarker(client, target, marker);
  if (existing) {
    const updated = await client.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body });
    return { id: updated.data.id, created: false, url: updated.data.html_url };
  }
  const created = await client.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issueNumber, body });
  return { id: created.data.id, created: true, url: created.data.html_url };
}

export async function findCommentByMarker(
  client: GithubClient,
  target: RepoRef & { issueNumber: number },
  marker: string,
): Promise<{ id: number; body: string } | undefined> {
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  const found = comments.find((comment) => hasMarker(comment.body, marker));
  return found ? { id: found.id, body: found.body ?? '' } : undefined;
}

/** Posts a new comment (apply results on a merged PR are a history, not a sticky). */
export async function postComment(client: GithubClient, target: RepoRef & { issueNumber: number }, body: string): Promise<number> {
  const created = await client.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issueNumber, body });
  return created.data.id;
}
