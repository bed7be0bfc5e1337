import { Text } from 'ink';
import type { TextSegment } from './fleet-row-format.js';
import { useColor } from './theme.js';

/** One terminal line made of styled segments; never wraps (the layout already fits the width). */
export function SegmentLine(props: { segments: readonly TextSegment[] }): React.JSX.Element {
  const paint = useColor();
  return (
    <Text wrap="truncate-end">
      {props.segments.map((segment, index) => (
        <Text key={index} color={paint(segment.color)} bold={segment.bold ?? false} dimColor={segment.dim ?? false}>
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}
