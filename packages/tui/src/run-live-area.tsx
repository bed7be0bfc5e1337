import { Box, Text } from 'ink';
import {
  createPainter,
  formatApproveCommand,
  formatDuration,
  formatPolicyDecision,
  formatResumeHint,
  formatRunOutcome,
  pickPolicyEffectColor,
  type Painter,
  type PaintStyle,
} from '@stackfleet/core';
import { useContext } from 'react';
import { fitText, formatBar, paintFitted, pickNameWidth, type StyledText } from './format.js';
import { formatPolicyMarks, formatPolicyTally, joinStyled } from './format-policy-marks.js';
import { computeRunProgress } from './run-progress.js';
import type { RunViewState } from './run-view-state.js';
import { ColorContext } from './theme.js';

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

/**
 * Everything below the finished stacks: progress, running stacks, the log pane and the status line.
 *
 * Our own lines are formatted here, painted and cut to the terminal's width, and drawn
 * as one `<Text>` (issue #17): ink measures, lays out and rasterises every `<Text>` of a
 * frame, and one text node with a dozen lines cost less than a dozen nodes (nested ones
 * for the spinner's colour). Log lines stay one `<Text wrap="truncate-end">` each: they
 * are the stack's own output, with ANSI codes and wide characters only ink cuts right.
 */
export function RunLiveArea(props: RunLiveAreaProps): React.JSX.Element {
  const paint = createPainter(useContext(ColorContext));
  const { top, logLines, bottom } = formatLiveArea(props, paint);
  return (
    <Box flexDirection="column">
      <Text>{top.join('\n')}</Text>
      {logLines.map((line, index) => (
        <Text key={index} wrap="truncate-end">{`│ ${line}`}</Text>
      ))}
      <Text>{bottom.join('\n')}</Text>
    </Box>
  );
}

/** The live area's lines above and below the log tail, painted and cut to `columns`, and the log lines to show. */
export function formatLiveArea(props: RunLiveAreaProps, paint: Painter): { top: string[]; logLines: readonly string[]; bottom: string[] } {
  const { state, nowMs } = props;
  // ink cuts a line that does not fit with `…` (wrap="truncate-end"); so do we, before painting.
  const fit = (text: string): string => (text.length > props.columns ? `${text.slice(0, Math.max(0, props.columns - 1))}…` : text);
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

  const line = (style: PaintStyle | undefined, text: string): string => paint(style, fit(text));
  const bottom = formatStatusLines({ ...props, done }, line, paint);
  bottom.push(line('dim', done ? `tab select · l log · ? help · ${props.doneHint ?? 'q back to fleet'}` : 'tab select · l log · ? help · ctrl-c stop'));

  // Budget: header, counts, log title, one status line, keys + one spare line (a full screen makes ink clear it every frame);
  // more status lines (the policies, how to approve) come out of the log pane.
  const budget = Math.max(2, props.rows - 6 - Math.max(0, bottom.length - 2));
  const runningShown = Math.min(state.running.length, Math.max(1, Math.floor(budget / 2)));
  const hiddenRunning = state.running.length - runningShown;
  const logRoom = Math.max(1, budget - runningShown - (hiddenRunning > 0 ? 1 : 0));
  const selected = props.selected === undefined ? undefined : state.stacks.get(props.selected);
  const nameWidth = pickNameWidth(state.longestName, props.columns);
  const spinner = spinnerFrames[Math.floor(nowMs / 100) % spinnerFrames.length] ?? '*';

  const top = [paint('bold', fit(header)), paint('dim', fit(counts))];
  for (const name of state.running.slice(0, runningShown)) {
    const stack = state.stacks.get(name);
    const elapsed = stack?.startedAt ? formatDuration(Math.max(0, nowMs - Date.parse(stack.startedAt))) : '';
    // A warning (or an approval that let it go on) made after its plan shows while it applies.
    const marks = joinStyled(formatPolicyMarks(stack?.policies));
    const row: StyledText[] = [
      { text: `${spinner} `, style: 'cyan' },
      { text: `${fitText(name, nameWidth)} ${fitText(elapsed, 7)} ${stack?.step ?? 'starting'}` },
      ...(marks.length > 0 ? [{ text: ' · ' }, ...marks] : []),
    ];
    const painted = paintFitted(row, props.columns, paint);
    top.push(name === props.selected ? paint('bold', painted) : painted);
  }
  if (hiddenRunning > 0) top.push(paint('dim', fit(`  +${hiddenRunning} more running`)));
  top.push(paint('dim', fit(selected ? `── log: ${selected.name} (${selected.logCount} lines) ──` : '── no stack selected ──')));
  return { top, logLines: selected ? selected.logTail.slice(-logRoom) : [], bottom };
}

/** The status line(s): a failed run, the summary (and how to resume), or the state of a stop; none while running. */
function formatStatusLines(
  props: RunLiveAreaProps & { done: boolean },
  line: (style: PaintStyle | undefined, text: string) => string,
  paint: Painter,
): string[] {
  const { state } = props;
  if (props.error !== undefined) return [line('red', `run failed: ${props.error}`)];
  if (state.summary) {
    const { summary } = state;
    const parts = (['succeeded', 'changed', 'unchanged', 'failed', 'skipped', 'denied', 'interrupted'] as const)
      .filter((key) => summary[key] > 0)
      .map((key) => `${summary[key]} ${key}`);
    if (summary.awaitingApproval > 0) parts.push(`${summary.awaitingApproval} awaiting approval`);
    // Drift found (exit 2) is a finding, not a success: yellow, like a changed stack.
    const driftFound = state.command === 'drift' && state.status === 'succeeded' && summary.changed > 0;
    const color = state.status === 'succeeded' && !driftFound ? 'green' : state.status === 'interrupted' || driftFound ? 'yellow' : 'red';
    const outcome = `run ${state.status ? formatRunOutcome(state.command, state.status, summary) : 'finished'} in ${formatDuration(summary.durationMs)} · ${parts.join(' · ') || 'nothing to do'}`;
    const lines = [paint('bold', line(color, outcome)), ...formatPolicyLines(props, paint)];
    // SPEC §5: an interrupted run is resumable; say how, with the id to copy.
    if (state.status === 'interrupted' && state.runId !== undefined) lines.push(line('yellow', formatResumeHint(state.runId)));
    else if (summary.awaitingApproval > 0 && state.runId !== undefined) lines.push(...formatApproveHint(state.runId, props.columns, line));
    return lines;
  }
  if (props.stopRequests > 1) return [line('red', 'force stopping…')];
  if (state.interrupting) {
    const waiting = state.interrupting.waitingFor;
    const names = fitText(waiting.join(', '), Math.max(0, props.columns - 40)).trimEnd();
    return [line('yellow', `stopping… waiting for ${waiting.length} stack${waiting.length === 1 ? '' : 's'}${names ? ` (${names})` : ''} · ctrl-c again to kill`)];
  }
  if (props.stopRequests > 0) return [line('yellow', 'stopping…')];
  return [];
}

/** Run-wide decisions listed in the summary; more are left to `stackfleet show RUN`. */
const RUN_WIDE_SHOWN = 3;

/**
 * The summary's policy lines, as the headless summary has them: the run's
 * decisions counted (each stack's are on its line above), and the decisions
 * about the whole run (access and run policies), which no stack's line shows.
 */
function formatPolicyLines(props: RunLiveAreaProps, paint: Painter): string[] {
  const { policyTally: tally, runId } = props.state;
  const counts = formatPolicyTally(tally);
  if (counts.length === 0) return [];
  const lines = [paintFitted([{ text: 'policies: ' }, ...joinStyled(counts)], props.columns, paint)];
  for (const decision of tally.runWide.slice(0, RUN_WIDE_SHOWN)) {
    lines.push(paintFitted([{ text: '  run: ' }, { text: formatPolicyDecision(decision), style: pickPolicyEffectColor(decision.effect) }], props.columns, paint));
  }
  const more = tally.runWide.length - RUN_WIDE_SHOWN;
  if (more > 0) lines.push(paintFitted([{ text: `  +${more} more: stackfleet show ${runId ?? 'RUN'}`, style: 'dim' }], props.columns, paint));
  return lines;
}

/**
 * What to run for stacks awaiting approval, as the CLI's note after a headless
 * run says it: approve, then resume. The optional flags go first when the
 * terminal is too narrow for the whole command, never the run id.
 */
function formatApproveHint(runId: string, columns: number, line: (style: PaintStyle | undefined, text: string) => string): string[] {
  const full = `approve: ${formatApproveCommand(runId)}`;
  const approve = full.length <= columns ? full : `approve: ${formatApproveCommand(runId, { short: true })}`;
  return [line('yellow', approve), line('yellow', `then ${formatResumeHint(runId)}`)];
}
