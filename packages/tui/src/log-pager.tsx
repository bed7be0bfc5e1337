import { Box, Text } from 'ink';
import { useKeys } from './key-router.js';
import { useState } from 'react';
import { scrollByKey } from './scroll-keys.js';

export interface LogPagerProps {
  title: string;
  /** Every line so far (already masked); may grow while open. */
  lines: readonly string[];
  rows: number;
  onClose(): void;
}

/** A `less`-like view of a stack's full log. Follows the end until the user scrolls up. */
export function LogPager(props: LogPagerProps): React.JSX.Element {
  const height = Math.max(1, props.rows - 3);
  const last = Math.max(0, props.lines.length - height);
  // undefined = follow the end of the log
  const [offset, setOffset] = useState<number | undefined>(undefined);
  const top = offset ?? last;
  useKeys((input, key) => {
    if (input === 'q' || key.escape || input === 'l') {
      props.onClose();
      return;
    }
    const next = scrollByKey(input, key, top, height, props.lines.length);
    if (next !== undefined) setOffset(next >= last ? undefined : next);
  });
  const visible = props.lines.slice(top, top + height);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{`log: ${props.title} · lines ${props.lines.length === 0 ? 0 : top + 1}-${top + visible.length} of ${props.lines.length}${offset === undefined ? ' · following' : ''}`}</Text>
      {visible.map((line, index) => (
        <Text key={top + index} wrap="truncate-end">{line}</Text>
      ))}
      <Text dimColor wrap="truncate-end">↑↓ pgup/pgdn g/G scroll · q back</Text>
    </Box>
  );
}
