import { appendFile } from 'node:fs/promises';
import {
  addCommentAnswer,
  buildMarker,
  completeCheckRun,
  decideCheckConclusion,
  findCommentByMarker,
  postComment,
  renderReportMarkdown,
  startCheckRun,
  upsertStickyComment,
  type CheckAnnotation,
  type RunReport,
} from '@stackfleet/github';
import type { GithubSession } from './open-github-session.js';

/** Where a run's report goes on GitHub; decided before the run (prepare-github-run.ts). */
export interface ReportTargets {
  /** The PR to comment on, if any. */
  pullNumber?: number;
  /** `sticky`: the fleet's one plan comment, edited in place; `new`: a new comment (apply results on a merged PR). */
  comment: 'sticky' | 'new';
  /** The check run on the commit the PR page shows. */
  check: { name: string; sha: string; id?: number; perStack: boolean };
  /** Line of each stack in the manifest, for annotations on denials. */
  stackLines: (stack: string) => number;
}

/** Starts the run's check run (`in_progress`); a failure only warns, and `publishRunReport` creates it at the end instead. */
export async function startRunCheck(session: GithubSession, targets: ReportTargets): Promise<void> {
  try {
    targets.check.id = await startCheckRun(session.client, session.repo, targets.check.name, targets.check.sha, session.context.runUrl);
  } catch (error) {
    session.warn('create the check run', error);
  }
}

/**
 * Everything after a run, each part on its own: the PR comment, the check
 * run(s), the step summary and the job outputs. A failed call is a warning;
 * the run's exit code is decided elsewhere and never changes here. Every
 * body passes through `mask` (the run's masker) on its way out.
 */
export async function publishRunReport(session: GithubSession, report: RunReport, targets: ReportTargets, mask: (text: string) => string): Promise<void> {
  const { client, repo, context } = session;
  const hide = (text: string): string => mask(text).replaceAll(context.token, '***');
  if (targets.pullNumber !== undefined) {
    const target = { ...repo, issueNumber: targets.pullNumber };
    try {
      if (targets.comment === 'sticky') {
        // Comment commands answer in the plan's sticky comment, whatever they ran.
        const marker = buildMarker('plan', report.manifestPath);
        await upsertStickyComment(client, target, marker, hide(renderReportMarkdown(report, { markerKind: 'plan' })));
      } else {
        await postComment(client, target, hide(renderReportMarkdown(report)));
      }
    } catch (error) {
      session.warn('post the comment', error);
    }
  }
  await publishChecks(session, report, targets, hide);
  if (context.stepSummaryPath) {
    try {
      await appendFile(context.stepSummaryPath, `${hide(renderReportMarkdown(report, { marker: false }))}\n`);
    } catch (error) {
      session.warn('write the step summary', error);
    }
  }
  if (context.outputPath) {
    try {
      await appendFile(context.outputPath, hide(formatJobOutputs(report)));
    } catch (error) {
      session.warn('write the job outputs', error);
    }
  }
}

/**
 * A comment command's answer when nothing ran (e.g. no saved plan to apply):
 * the fleet's sticky comment says why. A failed call only warns.
 */
export async function answerInStickyComment(session: GithubSession, pullNumber: number, report: RunReport): Promise<void> {
  try {
    const body = renderReportMarkdown(report, { markerKind: 'plan' }).replaceAll(session.context.token, '***');
    await upsertStickyComment(session.client, { ...session.repo, issueNumber: pullNumber }, buildMarker('plan', report.manifestPath), body);
  } catch (error) {
    session.warn('post the comment', error);
  }
}

/**
 * A comment command refused before anything ran (no write permission, not
 * approved, not mergeable, checkout not at the head): the refusal goes on top
 * of the fleet's sticky comment and the plan under it stays, so a reader's
 * `/stackfleet apply` cannot erase what reviewers read. Without a comment (or
 * when it would not fit) the answer is the refusal alone. A failed call only warns.
 */
export async function refuseInStickyComment(session: GithubSession, pullNumber: number, report: RunReport & { error: string }): Promise<void> {
  try {
    const target = { ...session.repo, issueNumber: pullNumber };
    const marker = buildMarker('plan', report.manifestPath);
    const existing = await findCommentByMarker(session.client, target, marker);
    const body = existing === undefined ? undefined : addCommentAnswer(existing.body, `❌ ${report.error}`);
    if (body === undefined) return await answerInStickyComment(session, pullNumber, report);
    await upsertStickyComment(session.client, target, marker, body.replaceAll(session.context.token, '***'));
  } catch (error) {
    session.warn('post the comment', error);
  }
}

/** `affected=["app","network"]` and `changes=true|false`, for later steps of the job. */
export function formatJobOutputs(report: RunReport): string {
  const names = report.stacks.map((stack) => stack.name);
  return `affected=${JSON.stringify(names)}\nchanges=${String(report.stacks.some(hasChanges))}\n`;
}

function hasChanges(stack: RunReport['stacks'][number]): boolean {
  const c = stack.changes;
  return stack.status === 'changed' || stack.status === 'drifted' || (c !== undefined && c.create + c.update + c.delete + c.replace > 0);
}

async function publishChecks(session: GithubSession, report: RunReport, targets: ReportTargets, hide: (text: string) => string): Promise<void> {
  const { check } = targets;
  const runs: Array<{ name: string; id?: number; report: RunReport }> = [{ name: check.name, ...(check.id === undefined ? {} : { id: check.id }), report }];
  if (check.perStack) {
    for (const stack of report.stacks) runs.push({ name: `${check.name}: ${stack.name}`, report: { ...report, stacks: [stack] } });
  }
  for (const run of runs) {
    try {
      const id = run.id ?? (await startCheckRun(session.client, session.repo, run.name, check.sha, session.context.runUrl));
      await completeCheckRun(session.client, session.repo, id, {
        conclusion: decideCheckConclusion(run.report),
        title: hide(describeReport(run.report)),
        summary: hide(renderReportMarkdown(run.report, { marker: false, limit: 65_535 })),
        annotations: buildDenialAnnotations(run.report, targets.stackLines).map((annotation) => ({ ...annotation, message: hide(annotation.message) })),
      });
    } catch (error) {
      session.warn(`complete the check run ${run.name}`, error);
    }
  }
}

/** `3 stacks: 1 changed, 2 unchanged` (the check run's title). */
export function describeReport(report: RunReport): string {
  if (report.error) return 'the run failed before any stack ran';
  if (report.stacks.length === 0) return 'no stacks affected';
  const counts = new Map<string, number>();
  for (const stack of report.stacks) counts.set(stack.status, (counts.get(stack.status) ?? 0) + 1);
  const parts = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => `${count} ${status}`);
  return `${report.stacks.length} stack${report.stacks.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** One `failure` annotation per denied stack, on its entry in the manifest. */
export function buildDenialAnnotations(report: RunReport, stackLines: (stack: string) => number): CheckAnnotation[] {
  return report.stacks.flatMap((stack) => {
    const denials = (stack.decisions ?? []).filter((decision) => decision.effect === 'deny');
    if (denials.length === 0 && stack.status !== 'denied') return [];
    const line = stack.annotationLine ?? stackLines(stack.name);
    const message = denials.length > 0 ? denials.map((d) => `${d.rule}: ${d.message}`).join('\n') : (stack.reason ?? 'denied by policy');
    return [{ path: stack.annotationPath ?? report.manifestPath, start_line: line, end_line: line, annotation_level: 'failure' as const, title: `${stack.name} denied by policy`, message }];
  });
}
