import type { CommandContext } from '../command-context.js';
import { shouldUseColor } from '../output/choose-output-mode.js';
import { openStore } from '../runtime/open-runtime.js';

/** `stackfleet ui`: the interactive terminal UI (also the default in a terminal with no command). */
export async function runUiCommand(context: CommandContext): Promise<number> {
  const fleet = context.readFleet();
  // Development React is several times slower; the UI is always a production build.
  process.env.NODE_ENV ??= 'production';
  const [{ runFleetUi }, { buildFleetInfo }, { createUiActions }] = await Promise.all([
    import('@stackfleet/tui'),
    import('../ui/build-fleet-info.js'),
    import('../ui/create-ui-actions.js'),
  ]);
  const store = openStore(fleet, context.io.env);
  try {
    return await runFleetUi({
      fleet: await buildFleetInfo(fleet, store),
      actions: createUiActions(context, fleet, store),
      title: `stackfleet — ${fleet.loaded.manifest.source}`,
      color: shouldUseColor({ color: context.global.color, env: context.io.env, isTTY: Boolean(context.io.stdout.isTTY) }),
      stdin: context.io.stdin as NodeJS.ReadStream,
      stdout: context.io.stdout as NodeJS.WriteStream,
    });
  } finally {
    await store.close();
  }
}
