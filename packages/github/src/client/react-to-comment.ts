import type { GithubClient } from './create-github-client.js';
import type { RepoRef } from './upsert-sticky-comment.js';

export type Reaction = 'eyes' | '+1' | '-1' | 'rocket' | 'confused';

/**
 * Reacts to a comment command: 👀 when picked up, then 👍 (done) or 👎 (refused
 * or failed). GitHub has no ✅/❌ reactions; these are the closest it has.
 */
export async function reactToComment(client: GithubClient, target: RepoRef, commentId: number, content: Reaction): Promise<void> {
  await client.rest.reactions.createForIssueComment({ owner: target.owner, repo: target.repo, comment_id: commentId, content });
}
