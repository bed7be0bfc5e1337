import { Box, Text } from 'ink';
import { useKeys } from './key-router.js';
import { useEffect, useState } from 'react';
import { formatChangeCounts, formatDecisionReason, formatStatusIcon, pickStatusColor, type ChangeSummary, type RunEvent } from '@stackfleet/core';
import { fitText } from './format.js';
import type { RunStackView, RunViewState } from './run-view-state.js';
import { scrollByKey } from './scroll-keys.js';
import { useColor } from './theme.js';
import type { ApplyFlow, ApplyReview, RunHandle } from './types.js';
import { useRunEvents } from './use-run-events.js';

export interface ConfirmApplyProps {
  /** The apply started for these stacks; its plan run's `stack.planned`/`stack.finished` events fill the screen. */
  flow: ApplyFlow;
  /** The stacks the user asked to apply. */
  stacks: readonly string[];
  rows: number;
  columns: number;
  /** `y` once the plan run is over and its review asks (nothing stopped it). */
  onConfirm(): void;
  /** `n`, esc or ctrl-c; a plan still running is interrupted first. */
  onCancel(): void;
  batchMs?: number;
}

/**
 * "Apply these?": the plan summary per stack (+create ~update -delete) and the
 * total, then what the policies say and the question (the CLI prompt's), or
 * why nothing is applied. `y` is taken only when there is a question.
 */
export function ConfirmApply(props: ConfirmApplyProps): React.JSX.Element {
  const paint = useColor();
  const { planRun } = props.flow;
  const { state } = useRunEvents(planRun, props.batchMs === undefined ? {} : { batchMs: props.batchMs });
  const review = useReview(props.flow);
  const notes = usePolicyNotes(planRun);
  const [offset, setOffset] = useState(0);
  const names = state.order.length > 0 ? state.order : props.stacks;
  const planDone = state.status !== undefined;
  // The review lists the stacks denied and the approvals a `y` gives; the plan run's events add the rest.
  const reviewLines = [...notes, ...(review?.lines ?? [])];
  const height = Math.max(1, props.rows - 6 - reviewLines.length);
  useKeys((input, key) => {
    if (input === 'y' && review?.question !== undefined) props.onConfirm();
    else if (input === 'n' || input === 'q' || key.escape || (key.ctrl && input === 'c')) {
      if (!planDone) planRun.interrupt();
      props.onCancel();
    } else {
      const next = scrollByKey(input, key, offset, height, names.length);
      if (next !== undefined) setOffset(next);
    }
  });
  const total = sumChanges(state);
  const failed = state.finished.filter((stack) => stack.status === 'failed').length;
  const denied = state.finished.filter((stack) => stack.status === 'denied').length;
  const nameWidth = Math.max(10, Math.min(40, props.columns - 30));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{`Apply ${props.stacks.length} stack${props.stacks.length === 1 ? '' : 's'}?`}</Text>
      <Text wrap="truncate-end" dimColor>{planDone ? `plan finished${state.runId ? ` (run ${state.runId})` : ''}` : `planning… ${state.finished.length}/${names.length}`}</Text>
      {names.slice(offset, offset + height).map((name) => {
        const stack = state.stacks.get(name);
        const status = stack?.status;
        return (
          <Text key={name} wrap="truncate-end">
            <Text color={paint(pickStatusColor(status ?? (stack?.phase === 'running' ? 'running' : undefined)))}>
              {`${formatStatusIcon(status ?? (stack?.phase === 'running' ? 'running' : 'pending'))} `}
            </Text>
            {`${fitText(name, nameWidth)} ${describePlan(stack)}`}
          </Text>
        );
      })}
      <Text bold wrap="truncate-end">
        {`total ${describeTotal(total, countUncounted(state))}`}
        {failed > 0 ? <Text color={paint('red')}>{` · ${failed} failed to plan`}</Text> : null}
        {denied > 0 ? <Text color={paint('red')}>{` · ${denied} denied by policies`}</Text> : null}
      </Text>
      {reviewLines.map((line, index) => (
        <Text key={`review-${index}`} wrap="wrap">
          {line}
        </Text>
      ))}
      {describeFooter(planDone, review, paint)}
    </Box>
  );
}

/**
 * What the policies said that the review does not list: warnings, and a
 * deny of the whole run by run policies (why nothing is applied).
 */
function usePolicyNotes(run: RunHandle): string[] {
  const [notes, setNotes] = useState<string[]>([]);
  useEffect(
    () =>
      run.subscribe((event: RunEvent) => {
        if (event.type !== 'policy.evaluated') return;
        if (event.effect === 'warn') setNotes((lines) => [...lines, `Policies warn: ${event.stack ?? 'the run'}: ${formatDecisionReason(event)}`]);
        else if (event.effect === 'deny' && event.stack === undefined) setNotes((lines) => [...lines, `Run policies deny: ${formatDecisionReason(event)}`]);
      }),
    [run],
  );
  return notes;
}

/** The review once it settles (it settles after the plan run ends); undefined until then. */
function useReview(flow: ApplyFlow): ApplyReview | undefined {
  const [review, setReview] = useState<ApplyReview | undefined>(undefined);
  useEffect(() => {
    let live = true;
    flow.review.then(
      (settled) => live && setReview(settled),
      (error: unknown) => live && setReview({ lines: [], stopped: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [flow]);
  return review;
}

function describeFooter(planDone: boolean, review: ApplyReview | undefined, paint: ReturnType<typeof useColor>): React.JSX.Element {
  if (review?.question !== undefined) {
    return <Text wrap="wrap" color={paint('yellow')}>{`${review.question} y apply · n cancel`}</Text>;
  }
  if (review !== undefined) {
    return <Text wrap="wrap" color={paint('red')}>{`${review.stopped ?? 'nothing to apply'} · q back`}</Text>;
  }
  return <Text wrap="truncate-end">{planDone ? 'judging the plan… · n cancel' : 'waiting for the plan… · n cancel'}</Text>;
}

function describePlan(stack: RunStackView | undefined): string {
  if (!stack || stack.phase === 'pending' || stack.phase === 'queued') return 'waiting';
  if (stack.status === 'failed' || stack.status === 'denied' || stack.status === 'skipped') {
    return `${stack.status}${stack.reason ? `: ${stack.reason}` : ''}`;
  }
  if (stack.changes) return formatChangeCounts(stack.changes) || 'no changes';
  if (stack.hasChanges === false || stack.status === 'unchanged') return 'no changes';
  if (stack.hasChanges === true || stack.status === 'changed') return 'changes';
  return stack.phase === 'running' ? `planning (${stack.step ?? 'starting'})` : (stack.status ?? '');
}

/** `+1 ~2`, and the stacks whose plan says only that it changes something (command stacks); `no changes` when neither. */
export function describeTotal(total: ChangeSummary, uncounted: number): string {
  const parts = [formatChangeCounts(total), uncounted > 0 ? `${uncounted} stack${uncounted === 1 ? '' : 's'} with changes` : ''].filter(Boolean);
  return parts.join(' · ') || 'no changes';
}

/** Stacks planned with changes that carry no counts (a command stack's plan exits 2). */
function countUncounted(state: RunViewState): number {
  let count = 0;
  for (const name of state.order) {
    const stack = state.stacks.get(name);
    if (stack !== undefined && !stack.changes && (stack.hasChanges === true || stack.status === 'changed')) count += 1;
  }
  return count;
}

function sumChanges(state: RunViewState): ChangeSummary {
  const total: ChangeSummary = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const name of state.order) {
    const changes = state.stacks.get(name)?.changes;
    if (!changes) continue;
    total.create += changes.create;
    total.update += changes.update;
    total.delete += changes.delete;
    total.replace += changes.replace;
  }
  return total;
}
