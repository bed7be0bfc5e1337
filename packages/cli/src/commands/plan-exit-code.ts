import type { Manifest } from '@stackfleet/core';
import type { RunResult } from '@stackfleet/runner';
import { exitCodeFor } from './execute-run.js';

/**
 * Stacks whose plan cannot tell whether anything would change: command
 * stacks without `commands.plan` (stackfleet can only run their apply).
 */
export function isPlanUnknown(manifest: Manifest, stack: string): boolean {
  const spec = manifest.stacks[stack];
  return spec?.runner === 'command' && spec.commands.plan === undefined;
}

/**
 * `plan`'s exit code. With `--detailed-exitcode`, 3 means a policy denied
 * (a stack's plan, or the whole run), 2 means some stack *has* changes; a
 * stack whose changes are unknown (see isPlanUnknown) does not count, or a
 * fleet with one such stack could never exit 0. A pending approval, of a
 * plan or a run policy alike, is no exit code of its own: a plan applies
 * nothing, so nothing waits for it yet (it exits 2 for the changes that ask
 * for it; `apply` is where it stops the run, exit 3). `destroy`: the run
 * was `plan --destroy`, where no stack's changes are unknown.
 */
export function planExitCode(manifest: Manifest, result: RunResult, detailedExitcode: boolean, destroy = false): { code: number; unknown: string[] } {
  const changed = [...result.stacks].filter(([, outcome]) => outcome.status === 'changed').map(([name]) => name);
  // A destroy preview (`plan --destroy`) knows: a command stack changes exactly when it has commands.destroy to run.
  const unknown = destroy ? [] : changed.filter((name) => isPlanUnknown(manifest, name)).sort();
  // Access policies refused the run itself: nothing was planned, whatever the flags (issue #13: exit 3).
  if (result.accessDenied) return { code: 3, unknown };
  // A plan applies nothing: a policy's deny is news for the detailed exit code only (3), like changes are (2).
  if (result.status === 'denied') return { code: detailedExitcode ? 3 : 0, unknown };
  // Every stack planned, whether or not a run policy awaits an approval of the run (recorded as its status).
  const planned = result.status === 'succeeded' || result.status === 'awaiting_approval';
  if (!planned) return { code: exitCodeFor('plan', result, detailedExitcode), unknown };
  return { code: detailedExitcode && changed.length > unknown.length ? 2 : 0, unknown };
}
