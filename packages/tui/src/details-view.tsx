import { Box, Text } from 'ink';
import { useKeys } from './key-router.js';
import { useEffect, useState } from 'react';
import { buildDetailsLines } from './details-lines.js';
import { scrollByKey } from './scroll-keys.js';
import { useColor } from './theme.js';
import type { FleetStackInfo, StackDetails } from './types.js';

export interface DetailsViewProps {
  stack: FleetStackInfo;
  /** Loads outputs (masked), settings with provenance and history. */
  loadDetails: (stack: string) => Promise<StackDetails>;
  rows: number;
  onClose(): void;
}

/** One stack in full: where it lives, its edges, outputs, resolved settings and last runs. */
export function DetailsView(props: DetailsViewProps): React.JSX.Element {
  const paint = useColor();
  const [details, setDetails] = useState<StackDetails | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [offset, setOffset] = useState(0);
  const { stack, loadDetails } = props;
  useEffect(() => {
    let live = true;
    loadDetails(stack.name).then(
      (loaded) => live && setDetails(loaded),
      (failure: unknown) => live && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      live = false;
    };
  }, [stack.name, loadDetails]);
  const lines = error ? [...buildDetailsLines(stack, undefined).slice(0, -1), { text: `could not load details: ${error}` }] : buildDetailsLines(stack, details);
  const height = Math.max(1, props.rows - 3);
  useKeys((input, key) => {
    if (input === 'q' || key.escape || key.return || (key.ctrl && input === 'c')) {
      props.onClose();
      return;
    }
    const next = scrollByKey(input, key, offset, height, lines.length);
    if (next !== undefined) setOffset(next);
  });
  return (
    <Box flexDirection="column">
      <Text bold color={paint('cyan')} wrap="truncate-end">{stack.name}</Text>
      {lines.slice(offset, offset + height).map((line, index) => (
        <Text key={offset + index} bold={line.heading ?? false} color={paint(line.color)} wrap="truncate-end">{line.text}</Text>
      ))}
      <Text dimColor wrap="truncate-end">{lines.length > height ? '↑↓ scroll · ' : ''}q back</Text>
    </Box>
  );
}
