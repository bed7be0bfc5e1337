import { Text } from 'ink';
import { fitText, formatChanges, formatDuration, formatStatusIcon, pickStatusColor } from './format.js';
import type { FinishedStackView } from './run-view-state.js';
import { useColor } from './theme.js';

/** A finished stack, printed once above the live area: icon, name, status, duration, changes or why. */
export function FinishedStackLine(props: { stack: FinishedStackView; nameWidth: number }): React.JSX.Element {
  const paint = useColor();
  const { stack } = props;
  const why = [
    stack.changes ? formatChanges(stack.changes) : '',
    stack.exitCode !== undefined && stack.status === 'failed' ? `exit ${stack.exitCode}` : '',
    stack.reason ?? '',
  ].filter(Boolean);
  return (
    <Text wrap="truncate-end">
      <Text color={paint(pickStatusColor(stack.status))}>{`${formatStatusIcon(stack.status)} `}</Text>
      {`${fitText(stack.name, props.nameWidth)} `}
      <Text color={paint(pickStatusColor(stack.status))}>{fitText(stack.status, 9)}</Text>
      {` ${fitText(stack.status === 'skipped' ? '' : formatDuration(stack.durationMs), 7)}`}
      {why.length > 0 ? <Text dimColor>{` ${why.join(' · ')}`}</Text> : null}
    </Text>
  );
}
