import { buildDriftTimeline, renderDriftHistoryTable, StackfleetError, type DriftRecord } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';

/**
 * `drift --history [STACK]`: every recorded check, newest first, saying when
 * each stack drifted and when it was reconciled. `--json`: one row per line.
 * `stacks` narrows to those stacks (from the positional or the selectors).
 */
export async function showDriftHistory(context: CommandContext, fleet: Fleet, stacks: readonly string[] | undefined): Promise<number> {
  for (const stack of stacks ?? []) {
    if (fleet.loaded.manifest.stacks[stack] === undefined) {
      throw new StackfleetError('E_UNKNOWN_STACK', `unknown stack "${stack}"`, { hint: 'see `stackfleet list` for the stacks in the manifest' });
    }
  }
  const store = openStore(fleet, context.io.env);
  let records: DriftRecord[];
  try {
    // The whole history is needed to tell "drifted" from "still drifted", so read it all and narrow after.
    records = await store.driftHistory();
  } finally {
    await store.close();
  }
  const wanted = stacks === undefined ? undefined : new Set(stacks);
  const rows = buildDriftTimeline(records).filter((row) => wanted === undefined || wanted.has(row.stack));
  const out = context.io.stdout;
  if (context.global.json) {
    for (const row of rows) writeLine(out, JSON.stringify(row));
    return 0;
  }
  if (rows.length === 0) {
    writeLine(out, stacks === undefined ? 'no drift checks recorded yet (run `stackfleet drift`)' : `no drift checks of ${stacks.join(', ')} recorded`);
    return 0;
  }
  out.write(renderDriftHistoryTable(rows));
  return 0;
}
