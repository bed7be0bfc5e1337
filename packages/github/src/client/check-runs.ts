import type { CheckConclusion } from '../render/decide-check-conclusion.js';
import type { GithubClient } from './create-github-client.js';
import type { RepoRef } from './upsert-sticky-comment.js';

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

/** GitHub takes at most 50 annotations per request and 65,535 characters of summary. */
const ANNOTATIONS_PER_REQUEST = 50;
const SUMMARY_LIMIT = 65_535;

/** Starts a check run (`in_progress`) on `headSha`; completed later by `completeCheckRun`. */
export async function startCheckRun(client: GithubClient, target: RepoRef, name: string, headSha: string, detailsUrl?: string): Promise<number> {
  const created = await client.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name,
    head_sha: headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  });
  return created.data.id;
}

/** Completes a check run with its conclusion, summary and annotations (sent in batches of 50). */
export async function completeCheckRun(
  client: GithubClient,
  target: RepoRef,
  checkRunId: number,
  result: { conclusion: CheckConclusion; title: string; summary: string; annotations?: CheckAnnotation[] },
): Promise<void> {
  const summary = result.summary.length > SUMMARY_LIMIT ? `${result.summary.slice(0, SUMMARY_LIMIT - 40)}\n\n… trimmed (see the run log)` : result.summary;
  const annotations = result.annotations ?? [];
  const batches: CheckAnnotation[][] = [];
  for (let index = 0; index < annotations.length; index += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(index, index + ANNOTATIONS_PER_REQUEST));
  // Earlier batches go with `in_progress` updates; the last one completes the run.
  for (const batch of batches.slice(0, -1)) {
    await client.rest.checks.update({ owner: target.owner, repo: target.repo, check_run_id: checkRunId, output: { title: result.title, summary, annotations: batch } });
  }
  await client.rest.checks.update({
    owner: target.owner,
    repo: target.repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: result.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: result.title, summary, ...(batches.length > 0 ? { annotations: batches[batches.length - 1] } : {}) },
  });
}
