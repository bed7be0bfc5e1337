import type { Writable } from 'node:stream';
import {
  escapeTerminalText,
  formatChangeCounts,
  formatDuration,
  formatPolicyDecision,
  formatResumeHint,
  formatTable,
  groupRepeatedDecisions,
  runDir,
  StackfleetError,
  type ApprovalRecord,
  type PolicyDecisionRecord,
  type RunRecord,
  type StackRunRecord,
  type Store,
} from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { readApprovalMasker } from '../policy/read-approval-masker.js';
import { openStore } from '../runtime/open-runtime.js';

/** `stackfleet history [STACK] [--json] [--limit N]`. */
export async function runHistoryCommand(context: CommandContext, options: { limit?: number }, args: string[]): Promise<number> {
  const limit = options.limit ?? 20;
  const fleet = context.readFleet();
  const store = openStore(fleet, context.io.env);
  const out = context.io.stdout;
  try {
    const stack = args[0];
    if (stack !== undefined) {
      const rows = await store.listStackHistory(stack, limit);
      if (context.global.json) {
        for (const row of rows) writeLine(out, JSON.stringify(row));
        return 0;
      }
      if (rows.length === 0) writeLine(out, `no runs of ${stack} recorded`);
      else printTable(out, ['RUN', 'WHEN', 'PHASE', 'STATUS', 'DURATION', 'DETAIL'], rows.map(describeStackRun));
      return 0;
    }
    const runs = await store.listRuns({ limit });
    if (context.global.json) {
      for (const run of runs) writeLine(out, JSON.stringify({ ...run, stackRuns: await store.listStackRuns(run.id) }));
      return 0;
    }
    if (runs.length === 0) {
      writeLine(out, 'no runs recorded yet');
      return 0;
    }
    const rows: string[][] = [];
    for (const run of runs) rows.push(describeRun(run, await store.listStackRuns(run.id)));
    printTable(out, ['RUN', 'WHEN', 'COMMAND', 'STATUS', 'STACKS', 'DURATION'], rows);
    return 0;
  } finally {
    await store.close();
  }
}

/** `stackfleet show RUN`: the summary, every stack, and where the logs are. */
export async function runShowCommand(context: CommandContext, _options: unknown, args: string[]): Promise<number> {
  const runId = args[0] ?? '';
  const fleet = context.readFleet();
  const store = openStore(fleet, context.io.env);
  const out = context.io.stdout;
  try {
    const run = await store.getRun(runId);
    if (!run) {
      throw new StackfleetError('E_UNKNOWN_RUN', `no run "${runId}" in ${fleet.stateDir}`, { hint: 'see `stackfleet history` for run ids' });
    }
    const stackRuns = await store.listStackRuns(run.id);
    const [decisions, stored] = await Promise.all([store.listPolicyDecisions(run.id), store.listApprovals(run.id)]);
    const approvals = await maskApprovalComments(fleet, store, run, stored, context.io.env);
    if (context.global.json) {
      writeLine(out, JSON.stringify({ ...run, stackRuns, policyDecisions: decisions, approvals }));
      return 0;
    }
    // The plan run an apply or destroy made first says so (plan-then-apply.ts).
    const previewOf = typeof run.selection['previewOf'] === 'string' ? ` (for ${run.selection['previewOf']})` : '';
    writeLine(out, `run ${run.id}: ${run.command}${previewOf} ${run.status}`);
    // startedBy is the OS user at the host; the actor (policies' input.run.actor) is who it counts as.
    const actor = typeof run.selection['actor'] === 'string' && run.selection['actor'] !== run.startedBy ? `, as ${escapeTerminalText(run.selection['actor'])}` : '';
    writeLine(out, `started ${run.startedAt} by ${escapeTerminalText(run.startedBy)}${actor} (pid ${run.pid})${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`);
    if (run.status === 'crashed') writeLine(out, `its process (pid ${run.pid} on ${run.host}) is gone: ${formatResumeHint(run.id)}`);
    if (run.status === 'interrupted') writeLine(out, `interrupted: ${formatResumeHint(run.id)}`);
    const shas = Object.entries(run.repoShas).map(([repo, sha]) => `${repo || '(manifest repo)'}@${sha.slice(0, 12)}`);
    if (shas.length > 0) writeLine(out, `repos: ${shas.join(', ')}`);
    writeLine(out, `logs: ${runDir(fleet.stateDir, run.id)}`);
    writeLine(out);
    const byStack = new Map(stackRuns.map((row) => [row.stack, row]));
    const rows = run.stacks.map((stack) => {
      const row = byStack.get(stack);
      return [stack, row?.state ?? 'pending', row?.durationMs === undefined ? '-' : formatDuration(row.durationMs), row?.reason ?? describeChanges(row) ?? '', row?.logFile ?? ''];
    });
    printTable(out, ['STACK', 'STATUS', 'DURATION', 'DETAIL', 'LOG'], rows);
    printPolicies(out, decisions, approvals);
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * The run's policy decisions (stored masked) and the approvals it was given.
 * Each `resume` evaluates again, so the same decision repeats: it is listed
 * once, in the order first made, with `×N`; a require_approval that approvals
 * satisfied is a decision of its own (`, approved by bob`).
 */
function printPolicies(out: Writable, decisions: readonly PolicyDecisionRecord[], approvals: readonly ApprovalRecord[]): void {
  if (decisions.length > 0) {
    writeLine(out);
    writeLine(out, 'policy decisions:');
    for (const { decision, count } of groupRepeatedDecisions(decisions)) {
      writeLine(out, `  ${decision.stack ?? '(run)'}: ${formatPolicyDecision(decision)}${count > 1 ? ` ×${count}` : ''}`);
    }
  }
  if (approvals.length > 0) {
    writeLine(out);
    writeLine(out, 'approvals:');
    for (const approval of approvals) {
      // The approver's login and comment come from outside: escaped like policy messages.
      writeLine(out, `  ${approval.stack ?? '(run)'}: ${escapeTerminalText(`${approval.by} at ${approval.at}${approval.comment ? ` — ${approval.comment}` : ''}`)}`);
    }
  }
}

/**
 * The comments masked again as they are printed: `approve` stores them
 * masked, but one stored before it did, or by an approver who could not read
 * a secret, would show it. Nothing is read when no approval has a comment.
 */
async function maskApprovalComments(
  fleet: Fleet,
  store: Store,
  run: RunRecord,
  approvals: readonly ApprovalRecord[],
  env: Record<string, string | undefined>,
): Promise<ApprovalRecord[]> {
  if (!approvals.some((approval) => approval.comment !== undefined)) return [...approvals];
  const masker = await readApprovalMasker(fleet, store, run, env, { readCommands: false });
  return approvals.map((approval) => (approval.comment === undefined ? approval : { ...approval, comment: masker.mask(approval.comment) }));
}

function describeRun(run: RunRecord, stackRuns: StackRunRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const row of stackRuns) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  const stacks = [...counts.entries()].sort().map(([state, count]) => `${count} ${state}`).join(', ') || `${run.stacks.length} planned`;
  const duration = run.finishedAt ? formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : '-';
  // The plan run of an `apply` or `destroy` judged by policies is a `plan` run that saved the plans it applies.
  const command = typeof run.selection['previewOf'] === 'string' ? `${run.command} (for ${run.selection['previewOf']})` : run.command;
  return [run.id, run.startedAt.replace('T', ' ').slice(0, 19), command, run.status, stacks, duration];
}

function describeStackRun(row: StackRunRecord): string[] {
  return [
    row.runId,
    (row.startedAt ?? '').replace('T', ' ').slice(0, 19),
    row.phase ?? '',
    row.state,
    row.durationMs === undefined ? '-' : formatDuration(row.durationMs),
    row.reason ?? describeChanges(row) ?? '',
  ];
}

function describeChanges(row: StackRunRecord | undefined): string | undefined {
  return row?.changes ? formatChangeCounts(row.changes) : undefined;
}

function printTable(out: NodeJS.WritableStream, header: string[], rows: string[][]): void {
  out.write(formatTable({ header, rows }));
}
