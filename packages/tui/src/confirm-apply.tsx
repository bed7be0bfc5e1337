import { Box, Text } from 'ink';
import { useKeys } from './key-router.js';
import { useState } from 'react';
import { formatChangeCounts, formatStatusIcon, pickStatusColor, type ChangeSummary } from '@stackfleet/core';
import { fitText } from './format.js';
import type { RunStackView, RunViewState } from './run-view-state.js';
import { scrollByKey } from './scroll-keys.js';
import { useColor } from './theme.js';
import type { RunHandle } from './types.js';
import { useRunEvents } from './use-run-events.js';

export interface ConfirmApplyProps {
  /** The plan run started for these stacks; its `stack.planned`/`stack.finished` events fill the screen. */
  planRun: RunHandle;
  /** The stacks the user asked to apply (passed back unchanged to `onConfirm`). */
  stacks: readonly string[];
  rows: number;
  columns: number;
  /** `y` once the plan finished. */
  onConfirm(stacks: readonly string[]): void;
  /** `n`, esc or ctrl-c; a plan still running is interrupted first. */
  onCancel(): void;
  batchMs?: number;
}

/** "Apply these?": the plan summary per stack (+create ~update -delete) and the total. */
export function ConfirmApply(props: ConfirmApplyProps): React.JSX.Element {
  const paint = useColor();
  const { state } = useRunEvents(props.planRun, props.batchMs === undefined ? {} : { batchMs: props.batchMs });
  const [offset, setOffset] = useState(0);
  const names = state.order.length > 0 ? state.order : props.stacks;
  const planDone = state.status !== undefined;
  const height = Math.max(1, props.rows - 6);
  useKeys((input, key) => {
    if (input === 'y' && planDone) props.onConfirm(props.stacks);
    else if (input === 'n' || input === 'q' || key.escape || (key.ctrl && input === 'c')) {
      if (!planDone) props.planRun.interrupt();
      props.onCancel();
    } else {
      const next = scrollByKey(input, key, offset, height, names.length);
      if (next !== undefined) setOffset(next);
    }
  });
  const total = sumChanges(state);
  const failed = state.finished.filter((stack) => stack.status === 'failed' || stack.status === 'denied').length;
  const nameWidth = Math.max(10, Math.min(40, props.columns - 30));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{`Apply ${props.stacks.length} stack${props.stacks.length === 1 ? '' : 's'}?`}</Text>
      <Text wrap="truncate-end" dimColor>{planDone ? 'plan finished' : `planning… ${state.finished.length}/${names.length}`}</Text>
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
        {`total ${formatChangeCounts(total) || 'no changes'}`}
        {failed > 0 ? <Text color={paint('red')}>{` · ${failed} failed to plan`}</Text> : null}
      </Text>
      <Text wrap="truncate-end" color={paint(planDone ? 'yellow' : undefined)}>
        {planDone ? 'y apply · n cancel' : 'waiting for the plan… · n cancel'}
      </Text>
    </Box>
  );
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
