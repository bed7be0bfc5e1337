import { useApp } from 'ink';
import { renderUntilExit } from './render-until-exit.js';
import { useEffect } from 'react';
import { KeyRouter } from './key-router.js';
import { RunView } from './run-view.js';
import { ColorContext } from './theme.js';
import type { RunHandle } from './types.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface RunLiveUiOptions {
  run: RunHandle;
  /** @default true */
  color?: boolean;
  /** @default Date.now */
  clock?: () => number;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/**
 * The live run view on its own, for `stackfleet apply|plan|destroy|drift` in
 * a terminal: finished stacks printed once, running ones live, Ctrl-C
 * interrupts (a second Ctrl-C forces). Unlike the fleet UI it leaves by
 * itself once the run is over, with the final frame kept on screen.
 */
export async function runLiveRunUi(options: RunLiveUiOptions): Promise<void> {
  await renderUntilExit(
    <ColorContext.Provider value={options.color ?? true}>
      <KeyRouter>
        <LiveRun run={options.run} clock={options.clock ?? Date.now} />
      </KeyRouter>
    </ColorContext.Provider>,
    options,
  );
}

/**
 * Events are drawn in batches every 100 ms and the spinner/elapsed time ticks
 * every 250 ms: still live to the eye, and a fraction of the layout and ANSI
 * work of 16 ms batches, which on a 2,000-stack run competes with spawning the
 * stacks for the one main thread (docs/benchmarks.md).
 */
const LIVE_BATCH_MS = 100;
const LIVE_TICK_MS = 250;

function LiveRun(props: { run: RunHandle; clock: () => number }): React.JSX.Element {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  useEffect(() => {
    let live = true;
    // Leave after the last batch of events has been drawn.
    const leave = () => setTimeout(() => live && exit(), 50);
    props.run.done.then(leave, leave);
    return () => {
      live = false;
    };
  }, [props.run, exit]);
  return <RunView run={props.run} rows={rows} columns={columns} clock={props.clock} onExit={() => exit()} doneHint="done" batchMs={LIVE_BATCH_MS} tickMs={LIVE_TICK_MS} />;
}
