import { appendFile } from 'node:fs/promises';
import { countDriftResults, renderMarkdownReport, type DriftSweep } from '@stackfleet/core';
import { buildMarker, syncDriftIssue } from '@stackfleet/github';
import type { GithubSession } from './open-github-session.js';

/**
 * `drift --github`: one issue per fleet (`Drift detected: N stack(s)`, found
 * again by its marker) edited in place by later sweeps and closed by a clean
 * one, plus the report in the step summary. A failed call only warns.
 */
export async function publishDriftIssue(session: GithubSession, sweep: DriftSweep, mask: (text: string) => string, interrupted: boolean): Promise<void> {
  const hide = (text: string): string => mask(text).replaceAll(session.context.token, '***');
  const marker = buildMarker('drift', session.manifestPath);
  const report = renderMarkdownReport(sweep, { title: `Drift report: \`${session.manifestPath}\`` });
  const runLink = session.context.runUrl ? `\n\n<sub>[the sweep's run](${session.context.runUrl})</sub>\n` : '\n';
  const counts = countDriftResults(sweep.stacks);
  // Only a sweep that checked everything is "clean": errors or an interrupt leave an open issue open.
  const inconclusive = counts.drifted === 0 && (counts.error > 0 || interrupted);
  if (inconclusive) session.note('note: the sweep did not check every stack; the drift issue is left as it is');
  else {
    try {
      const result = await syncDriftIssue(session.client, session.repo, marker, { driftedCount: counts.drifted, body: hide(`${marker}\n${report}${runLink}`) });
      if (result.action !== 'none') session.note(`drift issue #${result.number ?? '?'} ${result.action}`);
    } catch (error) {
      session.warn('update the drift issue', error);
    }
  }
  if (session.context.stepSummaryPath) {
    try {
      await appendFile(session.context.stepSummaryPath, `${hide(report)}\n`);
    } catch (error) {
      session.warn('write the step summary', error);
    }
  }
}
