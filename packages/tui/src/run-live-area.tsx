import { Box, Text } from 'ink';
import { formatDuration, formatResumeHint, formatRunOutcome } from '@stackfleet/core';
import { fitText, formatBar } from './format.js';
import { computeRunProgress } from './run-progress.js';
import type { RunViewState } from './run-view-state.js';
import { useColor } from './theme.js';

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface RunLiveAreaProps {
  state: RunViewState;
  /** The stack whose log tail is shown. */
  selected?: string;
  nowMs: number;
  rows: number;
  columns: number;
  /** How many times the user pressed ctrl-c. */
  stopRequests: number;
  /** Set when the run's `done` promise rejected. */
  error?: string;
  /** Key hint once the run is over. @default 'q back to fleet' */
  doneHint?: string;
  /** Durations from earlier runs, for the ETA. */
  expectedDurations?: ReadonlyMap<string, number>;
}

/** Everything below the finished stacks: progress, running stacks, the log pane and the status line. */
export function RunLiveArea(props: RunLiveAreaProps): React.JSX.Element {
  const paint = useColor();
  const { state, nowMs } = props;
  const progress = computeRunProgress(state, props.expectedDurations);
  const started = state.startedAt ? Date.parse(state.startedAt) : nowMs;
  const ended = state.finishedAt ? Date.parse(state.finishedAt) : nowMs;
  const done = state.status !== undefined || props.error !== undefined;
  const percent = progress.total === 0 ? 0 : Math.floor((progress.done / progress.total) * 100);
  const header = `${state.command ?? 'run'} ${progress.done}/${progress.total} ${formatBar(progress.done, progress.total, 20)} ${percent}%${
    progress.etaMs === undefined ? '' : ` · ETA ${formatDuration(progress.etaMs)}`
  } · ${formatDuration(Math.max(0, ended - started))}`;
  // The runner queues every stack up front (the scheduler starts each once its dependencies are done),
  // so `queued` is everything still to start; there is no separate "blocked" count to show.
  const counts = `running ${state.running.length}/${state.concurrency} · queued ${state.queuedCount}`;

  // Budget: header, counts, log title, status, keys + one spare line (a full screen makes ink clear it every frame).
  const budget = Math.max(2, props.rows - 6);
  const runningShown = Math.min(state.running.length, Math.max(1, Math.floor(budget / 2)));
  const hiddenRunning = state.running.length - runningShown;
  const logRoom = Math.max(1, budget - runningShown - (hiddenRunning > 0 ? 1 : 0));
  const selected = props.selected === undefined ? undefined : state.stacks.get(props.selected);
  const logLines = selected ? selected.logTail.slice(-logRoom) : [];
  const nameWidth = Math.max(10, Math.min(32, props.columns - 30));
  const spinner = spinnerFrames[Math.floor(nowMs / 100) % spinnerFrames.length] ?? '*';

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{header}</Text>
      <Text wrap="truncate-end" dimColor>{counts}</Text>
      {state.running.slice(0, runningShown).map((name) => {
        const stack = state.stacks.get(name);
        const elapsed = stack?.startedAt ? formatDuration(Math.max(0, nowMs - Date.parse(stack.startedAt))) : '';
        return (
          <Text key={name} wrap="truncate-end" bold={name === props.selected}>
            <Text color={paint('cyan')}>{`${spinner} `}</Text>
            {`${fitText(name, nameWidth)} ${fitText(elapsed, 7)} ${stack?.step ?? 'starting'}`}
          </Text>
        );
      })}
      {hiddenRunning > 0 ? <Text dimColor>{`  +${hiddenRunning} more running`}</Text> : null}
      <Text wrap="truncate-end" dimColor>
        {selected ? `── log: ${selected.name} (${selected.logCount} lines) ──` : '── no stack selected ──'}
      </Text>
      {logLines.map((line, index) => (
        <Text key={index} wrap="truncate-end">{`│ ${line}`}</Text>
      ))}
      <StatusLine {...props} done={done} />
      <Text wrap="truncate-end" dimColor>
        {done ? `tab select · l log · ? help · ${props.doneHint ?? 'q back to fleet'}` : 'tab select · l log · ? help · ctrl-c stop'}
      </Text>
    </Box>
  );
}

function StatusLine(props: RunLiveAreaProps & { done: boolean }): React.JSX.Element | null {
  const paint = useColor();
  const { state } = props;
  if (props.error !== undefined) return <Text color={paint('red')} wrap="truncate-end">{`run failed: ${props.error}`}</Text>;
  if (state.summary) {
    const { summary } = state;
    const parts = (['succeeded', 'changed', 'unchanged', 'failed', 'skipped', 'denied', 'interrupted'] as const)
      .filter((key) => summary[key] > 0)
      .map((key) => `${summary[key]} ${key}`);
    if (summary.awaitingApproval > 0) parts.push(`${summary.awaitingApproval} awaiting approval (stackfleet approve ${state.runId ?? 'RUN'})`);
    // Drift found (exit 2) is a finding, not a success: yellow, like a changed stack.
    const driftFound = state.command === 'drift' && state.status === 'succeeded' && summary.changed > 0;
    const color = state.status === 'succeeded' && !driftFound ? 'green' : state.status === 'interrupted' || driftFound ? 'yellow' : 'red';
    const line = (
      <Text wrap="truncate-end" color={paint(color)} bold>
        {`run ${state.status ? formatRunOutcome(state.command, state.status, summary) : 'finished'} in ${formatDuration(summary.durationMs)} · ${parts.join(' · ') || 'nothing to do'}`}
      </Text>
    );
    if (state.status !== 'interrupted' || state.runId === undefined) return line;
    // SPEC §5: an interrupted run is resumable; say how, with the id to copy.
    return (
      <>
        {line}
        <Text wrap="truncate-end" color={paint('yellow')}>{formatResumeHint(state.runId)}</Text>
      </>
    );
  }
  if (props.stopRequests > 1) return <Text color={paint('red')}>force stopping…</Text>;
  if (state.interrupting) {
    const waiting = state.interrupting.waitingFor;
    const names = fitText(waiting.join(', '), Math.max(0, props.columns - 40)).trimEnd();
    return (
      <Text color={paint('yellow')} wrap="truncate-end">
        {`stopping… waiting for ${waiting.length} stack${waiting.length === 1 ? '' : 's'}${names ? ` (${names})` : ''} · ctrl-c again to kill`}
      </Text>
    );
  }
  if (props.stopRequests > 0) return <Text color={paint('yellow')}>stopping…</Text>;
  return null;
}
