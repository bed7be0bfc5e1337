import { hasMarker } from '../render/marker.js';
import type { GithubClient } from './create-github-client.js';
import type { RepoRef } from './upsert-sticky-comment.js';

const DRIFT_LABEL = 'stackfleet-drift';

/**
 * One open issue per fleet while it drifts: found again by its hidden marker
 * (among open issues labelled `stackfleet-drift`), edited in place by later
 * sweeps, and closed by a clean sweep.
 */
export async function syncDriftIssue(
  client: GithubClient,
  target: RepoRef,
  marker: string,
  sweep: { driftedCount: number; body: string },
): Promise<{ action: 'created' | 'updated' | 'closed' | 'none'; number?: number }> {
  const labelled = await client.paginate(client.rest.issues.listForRepo, { owner: target.owner, repo: target.repo, state: 'open', labels: DRIFT_LABEL, per_page: 100 });
  // GitHub silently drops labels a token may not set: then only the marker finds the issue.
  const existing =
    labelled.find((issue) => hasMarker(issue.body, marker)) ??
    (await client.paginate(client.rest.issues.listForRepo, { owner: target.owner, repo: target.repo, state: 'open', per_page: 100 })).find(
      (issue) => issue.pull_request === undefined && hasMarker(issue.body, marker),
    );
  const title = `Drift detected: ${sweep.driftedCount} stack(s)`;
  if (sweep.driftedCount === 0) {
    if (!existing) return { action: 'none' };
    await client.rest.issues.update({ owner: target.owner, repo: target.repo, issue_number: existing.number, state: 'closed', body: sweep.body });
    return { action: 'closed', number: existing.number };
  }
  if (existing) {
    await client.rest.issues.update({ owner: target.owner, repo: target.repo, issue_number: existing.number, title, body: sweep.body });
    return { action: 'updated', number: existing.number };
  }
  const created = await client.rest.issues.create({ owner: target.owner, repo: target.repo, title, body: sweep.body, labels: [DRIFT_LABEL] });
  return { action: 'created', number: created.data.number };
}
