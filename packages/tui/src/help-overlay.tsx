import { formatStatusIcon, type DisplayStatus } from '@stackfleet/core';
import { Box, Text } from 'ink';
import { useKeys } from './key-router.js';
import { useColor } from './theme.js';

/** The icons are the CLI's too (`@stackfleet/core`); the legend is built from them so it cannot drift. */
const statusLegend = (
  [
    ['succeeded', 'ok'],
    ['changed', 'changed'],
    ['unchanged', 'unchanged'],
    ['failed', 'failed'],
    ['skipped', 'skipped'],
    ['denied', 'denied'],
    ['awaiting_approval', 'awaiting'],
    ['interrupted', 'interrupted'],
  ] as const satisfies readonly (readonly [DisplayStatus, string])[]
)
  .map(([status, label]) => `${formatStatusIcon(status)} ${label}`)
  .join('  ');

export type HelpTopic = 'fleet' | 'run';

const helpLines: Record<HelpTopic, [string, string][]> = {
  fleet: [
    ['↑↓ j k', 'move · pgup/pgdn page · home/end'],
    ['/', 'filter as you type: text, label:X, repo:X'],
    ['g', 'group by repo / dependency tree'],
    ['f', 'affected stacks only (when known)'],
    ['space', 'select the stack under the cursor'],
    ['a', 'add dependents of the selection'],
    ['p / A / d', 'plan / apply (with confirmation) / drift check'],
    ['r', 'resume the last interrupted run'],
    ['u', 'unlock the stack under the cursor'],
    ['enter', 'details: outputs, settings, deps, runs'],
    ['q', 'quit'],
  ],
  run: [
    ['tab ↑↓', 'select a running or finished stack'],
    ['l / enter', 'open its full log'],
    ['ctrl-c', 'stop: finish running stacks; again: kill'],
    ['q', 'back to the fleet (when the run is done)'],
  ],
};

/** Keyboard help; any key closes it. */
export function HelpOverlay(props: { topic: HelpTopic; onClose(): void }): React.JSX.Element {
  const paint = useColor();
  useKeys(() => props.onClose());
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={paint('cyan')} paddingX={1}>
      <Text bold>Keys</Text>
      {helpLines[props.topic].map(([keys, meaning]) => (
        <Text key={keys} wrap="truncate-end">
          <Text bold color={paint('cyan')}>{keys.padEnd(10)}</Text> {meaning}
        </Text>
      ))}
      <Text dimColor>{`Status: ${statusLegend}`}</Text>
      <Text dimColor>press any key to close</Text>
    </Box>
  );
}
