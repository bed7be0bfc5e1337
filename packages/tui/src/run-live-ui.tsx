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
// ink's own frame cap stays at its default (30 a second): the batches and the
// tick above already pace the frames (the finished lines are written in the
// batch's commit; the tick skips when a batch drew). A cap of 5 coalesced a few
// more commits (33–37 against 41 draws in an 8 s replay of 2,000 stacks) but
// ink's throttle starts a timer of one frame when it unmounts, and that kept
// the CLI's process 200 ms after every run (run-live-ui.test.tsx).

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
