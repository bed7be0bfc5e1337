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
    { ...options, maxFps: LIVE_MAX_FPS },
  );
}

/**
 * The frame cap: events are drawn in batches at most every 200 ms, and the
 * spinner/elapsed time ticks every 250 ms only when no batch was drawn in
 * between (useNow), so a busy run renders about five frames a second. The
 * scheduler never waits for a frame: events are only buffered on the hot path
 * (useRunEvents) and drawn from a timer. Every frame (React, Yoga layout,
 * string widths, ANSI diffing) runs on the one main thread that also spawns
 * the stacks; at 100 ms batches plus an independent 250 ms tick the live view
 * cost 1.2x the headless run on 2,000 stacks (docs/benchmarks.md).
 */
const LIVE_BATCH_MS = 200;
const LIVE_TICK_MS = 250;
/**
 * ink's own cap (its default is 30): a batch, a clock tick and the finished
 * lines written above the live area can each commit within the same 200 ms;
 * ink then draws once for all of them instead of once each.
 */
const LIVE_MAX_FPS = 5;

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
