import { StackfleetError } from '@stackfleet/core';
import type * as Tui from '@stackfleet/tui';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { shouldUseColor } from '../output/choose-output-mode.js';
import { openStore } from '../runtime/open-runtime.js';

/** `stackfleet ui`: the interactive terminal UI (also the default in a terminal with no command). */
export async function runUiCommand(context: CommandContext, options: { base?: string } = {}): Promise<number> {
  // ink needs raw-mode keys: without a terminal on stdin it would crash or hang.
  if (!context.io.stdin.isTTY) {
    throw new StackfleetError('E_NO_TERMINAL', 'ui needs an interactive terminal, but stdin is not a TTY', {
      hint: 'in scripts and CI use `stackfleet list`, `plan` or `apply --auto-approve`',
    });
  }
  const fleet = context.readFleet();
  const affected = await readAffectedSet(context, fleet, options.base);
  // Development React is several times slower; the UI is always a production build.
  process.env.NODE_ENV ??= 'production';
  const [{ runFleetUi }, { buildFleetInfo }, { createUiActions }] = await Promise.all([
    importTuiOutsideCiMode(),
    import('../ui/build-fleet-info.js'),
    import('../ui/create-ui-actions.js'),
  ]);
  const store = openStore(fleet, context.io.env);
  try {
    return await runFleetUi({
      fleet: await buildFleetInfo(fleet, store, affected),
      actions: { ...createUiActions(context, fleet, store), reloadFleet: () => buildFleetInfo(fleet, store, affected) },
      title: `stackfleet — ${fleet.loaded.manifest.source}`,
      color: shouldUseColor({ color: context.global.color, env: context.io.env, isTTY: Boolean(context.io.stdout.isTTY) }),
      stdin: context.io.stdin as NodeJS.ReadStream,
      stdout: context.io.stdout as NodeJS.WriteStream,
    });
  } finally {
    await store.close();
  }
}

/**
 * Stacks affected since `base` (with their dependents), for the UI's
 * "affected only" toggle; undefined (toggle hidden) when git cannot tell, e.g.
 * outside a repository.
 */
async function readAffectedSet(context: CommandContext, fleet: Fleet, base: string | undefined): Promise<Set<string> | undefined> {
  try {
    const [{ detectAffected }, { selectAffectedDependents }, { dataDependenciesOf }] = await Promise.all([
      import('../runtime/detect-affected.js'),
      import('@stackfleet/core'),
      import('./affected.js'),
    ]);
    // Notes are dropped: the UI owns the terminal.
    const result = await detectAffected(fleet, { base, env: context.io.env, note: () => undefined });
    return new Set(selectAffectedDependents(result.affected, fleet.graph.names, dataDependenciesOf(fleet.graph)).keys());
  } catch (error) {
    if (base !== undefined) throw error;
    return undefined;
  }
}

/**
 * ink only draws its last frame when `CI` is set (it reads it once, when it
 * loads). Someone who asks for the UI in a terminal gets it even with CI=true
 * exported; the variable is put back at once, so stack processes still see it.
 */
async function importTuiOutsideCiMode(): Promise<typeof Tui> {
  const saved = process.env.CI;
  if (saved !== undefined) process.env.CI = 'false';
  try {
    return await import('@stackfleet/tui');
  } finally {
    if (saved !== undefined) process.env.CI = saved;
  }
}
