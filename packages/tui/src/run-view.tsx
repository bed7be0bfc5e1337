import { Box, useStdout } from 'ink';
import { useKeys } from './key-router.js';
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { pickNameWidth } from './format.js';
import { formatFinishedLine } from './format-finished-line.js';
import { HelpOverlay } from './help-overlay.js';
import { LogPager } from './log-pager.js';
import { RunLiveArea } from './run-live-area.js';
import type { RunViewState } from './run-view-state.js';
import { ColorContext } from './theme.js';
import type { RunHandle } from './types.js';
import { useNow } from './use-now.js';
import { useRunEvents } from './use-run-events.js';

export interface RunViewProps {
  run: RunHandle;
  rows: number;
  columns: number;
  /** Injected so tests are deterministic. @default Date.now */
  clock: () => number;
  /** `q` (or ctrl-c) once the run is over. */
  onExit(): void;
  /** Event batching interval. @default 16 */
  batchMs?: number;
  /** Spinner/elapsed refresh interval. @default 100 */
  tickMs?: number;
  /** Where finished-stack lines go (each call ends with a newline). @default ink's `write`: above the live area, once */
  print?: (text: string) => void;
  /** Key hint once the run is over. @default 'q back to fleet' */
  doneHint?: string;
}

/**
 * A live run: finished stacks printed once above the live area (like ink's `Static`,
 * through ink's `write`), running ones in a small live area, plus the log tail of the
 * selected stack and a full-log pager.
 */
export function RunView(props: RunViewProps): React.JSX.Element {
  const { run } = props;
  const { state, logBook } = useRunEvents(run, props.batchMs === undefined ? {} : { batchMs: props.batchMs });
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [pagerFor, setPagerFor] = useState<string | undefined>(undefined);
  const [showHelp, setShowHelp] = useState(false);
  const [stopRequests, setStopRequests] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const done = state.status !== undefined || error !== undefined;
  const nowMs = useNow(props.clock, props.tickMs ?? 100, !done);

  useEffect(() => {
    let live = true;
    run.done.catch((failure: unknown) => {
      if (live) setError(failure instanceof Error ? failure.message : String(failure));
    });
    return () => {
      live = false;
    };
  }, [run]);

  const { write: writeAboveLiveArea } = useStdout();
  const write = props.print ?? writeAboveLiveArea;
  const color = useContext(ColorContext);
  const printed = useRef(0);
  const nameWidth = pickNameWidth(state.longestName, props.columns);
  // A layout effect: runs in the same commit as the live area, so a stack never
  // disappears from "running" before its finished line is out.
  useLayoutEffect(() => {
    if (state.finished.length <= printed.current) return;
    const lines = state.finished.slice(printed.current).map((stack) => formatFinishedLine(stack, { nameWidth, columns: props.columns, color }));
    printed.current = state.finished.length;
    write(`${lines.join('\n')}\n`);
  }, [state.finished, write, nameWidth, props.columns, color]);

  const candidates = listSelectable(state);
  const selected = chosen !== undefined && state.stacks.has(chosen) ? chosen : candidates[0];

  useKeys(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        if (done) props.onExit();
        else {
          run.interrupt();
          setStopRequests((count) => count + 1);
        }
      } else if (input === 'q' && done) props.onExit();
      else if (input === '?') setShowHelp(true);
      else if ((input === 'l' || key.return) && selected) setPagerFor(selected);
      else if (key.tab || key.downArrow || key.upArrow || input === 'j' || input === 'k') {
        const step = (key.tab && key.shift) || key.upArrow || input === 'k' ? -1 : 1;
        const index = selected === undefined ? -1 : candidates.indexOf(selected);
        const next = candidates[(index + step + candidates.length) % Math.max(1, candidates.length)];
        if (next !== undefined) setChosen(next);
      }
    },
    pagerFor === undefined && !showHelp,
  );

  let live: React.JSX.Element;
  if (showHelp) live = <HelpOverlay topic="run" onClose={() => setShowHelp(false)} />;
  else if (pagerFor !== undefined) {
    live = <LogPager title={pagerFor} lines={logBook.read(pagerFor)} rows={props.rows} onClose={() => setPagerFor(undefined)} />;
  } else {
    live = (
      <RunLiveArea
        state={state}
        nowMs={nowMs}
        rows={props.rows}
        columns={props.columns}
        stopRequests={stopRequests}
        {...(props.doneHint === undefined ? {} : { doneHint: props.doneHint })}
        {...(run.expectedDurations === undefined ? {} : { expectedDurations: run.expectedDurations })}
        {...(selected === undefined ? {} : { selected })}
        {...(error === undefined ? {} : { error })}
      />
    );
  }
  return <Box flexDirection="column">{live}</Box>;
}

/** Running stacks first (start order), then finished ones, most recent first. */
function listSelectable(state: RunViewState): string[] {
  const names = [...state.running];
  for (let index = state.finished.length - 1; index >= 0 && names.length < 500; index -= 1) {
    const stack = state.finished[index];
    if (stack) names.push(stack.name);
  }
  return names;
}
