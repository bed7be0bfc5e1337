import { StackfleetError, countDriftResults, describeStatus, escapeTerminalText, formatChangeSummary, selectDriftExitCode, type DriftSweep } from '@stackfleet/core';
import type { Writable } from 'node:stream';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { sweepDrift, type DriftFlags } from '../drift/sweep-drift.js';
import { showDriftHistory } from '../drift/show-drift-history.js';
import { writeDriftReports } from '../drift/write-drift-reports.js';
import { buildPlanForCommand } from './execute-run.js';
import { collectRunReport } from '../github/collect-run-report.js';
import { openGithubSession } from '../github/open-github-session.js';
import { publishDriftIssue } from '../github/publish-drift-issue.js';

/**
 * `stackfleet drift [sel] [--remediate] [--due] [--report FILE] [--junit FILE]`:
 * plan everything selected, record drift, exit 0 none / 2 drift / 1 error / 3 access denied.
 * `drift --history [STACK]` shows the recorded checks instead.
 */
export async function runDriftCommand(context: CommandContext, flags: DriftFlags, args: string[] = []): Promise<number> {
  const fleet = context.readFleet();
  if (flags.history) {
    const stacks = args.length > 0 ? args : hasSelectors(flags) ? (await context.select(fleet, flags)).stacks : undefined;
    return showDriftHistory(context, fleet, stacks);
  }
  if (args.length > 0) {
    throw new StackfleetError('E_USAGE', `drift takes a stack name only with --history, got "${args.join(' ')}"`, {
      hint: `select stacks with --stack, e.g. \`stackfleet drift --stack ${args[0] ?? 'app'}\``,
    });
  }
  // --github reads the job's environment first: a misconfigured job fails before the sweep.
  const github = flags.github ? await openGithubSession(context, fleet, flags) : undefined;
  const collector = github ? collectRunReport({ manifest: fleet.loaded.manifest, manifestPath: github.manifestPath, sha: github.context.sha }) : undefined;
  const plan = await buildPlanForCommand(context, fleet, 'drift', flags);
  const { sweep, interrupted, accessDenied } = await sweepDrift(context, { fleet, plan, flags, ...(collector ? { github: collector } : {}) });
  if (github && collector) await publishDriftIssue(github, sweep, collector.mask, interrupted);
  const written = await writeDriftReports(sweep, { cwd: context.io.cwd, report: flags.report, junit: flags.junit });
  // With --json stdout carries only NDJSON events; the human summary goes to stderr.
  const out = context.global.json ? context.io.stderr : context.io.stdout;
  printSummary(out, sweep);
  for (const path of written) writeLine(out, `wrote ${path}`);
  // Stacks an interrupt kept from being checked are not "no drift"; nor are those access policies kept from running (exit 3, issue #13).
  if (accessDenied) return 3;
  return interrupted ? 1 : selectDriftExitCode(sweep.stacks);
}

function hasSelectors(flags: DriftFlags): boolean {
  return Boolean(flags.stack?.length || flags.label?.length || flags.exclude?.length || flags.affected);
}

function printSummary(out: Writable, sweep: DriftSweep): void {
  const counts = countDriftResults(sweep.stacks);
  writeLine(
    out,
    `drift: ${sweep.stacks.length} stack(s): ${counts.drifted} drifted, ${counts.clean} clean, ${counts.error} error(s), ${counts.skipped} skipped` +
      (counts.remediated > 0 ? `, ${counts.remediated} remediated` : '') +
      (counts.needsHuman > 0 ? `, ${counts.needsHuman} need a human` : ''),
  );
  for (const result of sweep.stacks) {
    if (result.status === 'clean') continue;
    const detail = [formatChangeSummary(result.changes), result.reason ?? result.remediation?.reason ?? ''].filter((part) => part !== '').join('; ');
    writeLine(out, `  ${result.stack}: ${describeStatus(result)}${detail ? ` (${escapeTerminalText(detail)})` : ''}`);
  }
}
