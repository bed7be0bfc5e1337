import { Box, Text, type Key } from 'ink';
import { useKeys } from './key-router.js';
import { useMemo, useRef } from 'react';
import { computeFleetColumns, formatFleetHeader, formatFleetRow } from './fleet-row-format.js';
import { buildFleetRows, filterFleet, findStackRow, scrollWindow, type FleetRow } from './fleet-rows.js';
import type { FleetViewState } from './fleet-view-state.js';
import { toggleSelection } from './fleet-view-state.js';
import { SegmentLine } from './segment-line.js';
import type { FleetStackInfo } from './types.js';
import { useColor } from './theme.js';

/** What the fleet screen asks the app to do; `stacks` = the selection, or the stack under the cursor when nothing is selected. */
export type FleetCommand =
  | { kind: 'plan' | 'apply' | 'drift' | 'add-dependents'; stacks: string[] }
  | { kind: 'unlock' | 'details'; stack: string }
  | { kind: 'resume' | 'help' | 'quit' };

export interface FleetViewProps {
  fleet: readonly FleetStackInfo[];
  state: FleetViewState;
  onStateChange(next: FleetViewState): void;
  onCommand(command: FleetCommand): void;
  title: string;
  columns: number;
  rows: number;
  nowMs: number;
  /** False while an overlay (help) owns the keyboard. */
  isActive: boolean;
}

/** Lines around the list: title, filter, header, footer, plus one spare so the frame never fills the screen (ink would clear it every frame). */
const chromeLines = 5;

/** The fleet: a virtualised list of stacks grouped by repo or as the dependency tree. */
export function FleetView(props: FleetViewProps): React.JSX.Element {
  const { fleet, columns, rows } = props;
  const paint = useColor();
  // Keys can arrive faster than ink renders (30 fps): handlers read and write the
  // latest state through this ref instead of the possibly stale render closure.
  const latest = useRef(props.state);
  latest.current = props.state;
  const cache = useRef<RowsCache | undefined>(undefined);
  const getRows = (state: FleetViewState): RowsCache => {
    const cached = cache.current;
    if (cached && cached.fleet === fleet && cached.query === state.query && cached.affectedOnly === state.affectedOnly && cached.grouping === state.grouping) {
      return cached;
    }
    const visible = filterFleet(fleet, { query: state.query, affectedOnly: state.affectedOnly });
    const built = { fleet, query: state.query, affectedOnly: state.affectedOnly, grouping: state.grouping, visible, rows: buildFleetRows(visible, state.grouping) };
    cache.current = built;
    return built;
  };
  const affectedKnown = useMemo(() => fleet.some((stack) => stack.affected !== undefined), [fleet]);
  const height = Math.max(1, rows - chromeLines);

  const update = (patch: Partial<FleetViewState>): void => {
    const next = { ...latest.current, ...patch };
    const total = getRows(next).rows.length;
    next.offset = scrollWindow(next.cursor, next.offset, height, total);
    latest.current = next;
    props.onStateChange(next);
  };

  useKeys(
    (input, key) => {
      const state = latest.current;
      if (state.editingQuery) {
        editQuery(input, key, state, (patch) => update({ ...patch, cursor: 0, offset: 0 }));
        return;
      }
      const fleetRows = getRows(state).rows;
      // Group headers never hold the cursor.
      const cursor = Math.max(0, findStackRow(fleetRows, state.cursor, 1));
      const current = fleetRows[cursor];
      const currentStack = current?.kind === 'stack' ? current.stack.name : undefined;
      const moveTo = (index: number, direction: 1 | -1): void => {
        const target = findStackRow(fleetRows, index, direction);
        update({ cursor: target < 0 ? 0 : target, message: undefined });
      };
      const targets = (): string[] =>
        state.selected.size > 0 ? [...state.selected].sort() : currentStack ? [currentStack] : [];
      if (key.downArrow || input === 'j') moveTo(cursor + 1, 1);
      else if (key.upArrow || input === 'k') moveTo(cursor - 1, -1);
      else if (key.pageDown) moveTo(cursor + height, 1);
      else if (key.pageUp) moveTo(cursor - height, -1);
      else if (key.home) moveTo(0, 1);
      else if (key.end) moveTo(fleetRows.length - 1, -1);
      else if (input === '/') update({ editingQuery: true });
      else if (key.escape && state.query) update({ query: '', cursor: 0, offset: 0 });
      else if (input === 'g') update({ grouping: state.grouping === 'repo' ? 'tree' : 'repo', cursor: 0, offset: 0 });
      else if (input === 'f' && affectedKnown) update({ affectedOnly: !state.affectedOnly, cursor: 0, offset: 0 });
      else if (input === ' ' && currentStack) update({ selected: toggleSelection(state.selected, currentStack) });
      else if (input === 'a') props.onCommand({ kind: 'add-dependents', stacks: targets() });
      else if (input === 'p') props.onCommand({ kind: 'plan', stacks: targets() });
      else if (input === 'A') props.onCommand({ kind: 'apply', stacks: targets() });
      else if (input === 'd') props.onCommand({ kind: 'drift', stacks: targets() });
      else if (input === 'r') props.onCommand({ kind: 'resume' });
      else if (input === 'u' && currentStack) props.onCommand({ kind: 'unlock', stack: currentStack });
      else if (key.return && currentStack) props.onCommand({ kind: 'details', stack: currentStack });
      else if (input === '?') props.onCommand({ kind: 'help' });
      else if (input === 'q' || (key.ctrl && input === 'c')) props.onCommand({ kind: 'quit' });
    },
    props.isActive,
  );

  const state = props.state;
  const { visible: visibleStacks, rows: fleetRows } = getRows(state);
  const cursor = Math.max(0, findStackRow(fleetRows, state.cursor, 1));
  const offset = scrollWindow(cursor, state.offset, height, fleetRows.length);
  const layout = computeFleetColumns(columns);
  const windowRows = fleetRows.slice(offset, offset + height);
  const filterLine = state.editingQuery
    ? `/${state.query}█  (enter: keep, esc: clear)`
    : state.query
      ? `filter: ${state.query}  (/ edit, esc clear)`
      : 'filter: none  (/ to filter: text, label:X, repo:X)';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold color={paint('cyan')}>{props.title}</Text>
        {` · ${visibleStacks.length}/${fleet.length} stacks · ${state.selected.size} selected · ${state.grouping === 'repo' ? 'by repo' : 'dependency tree'}`}
        {affectedKnown ? ` · ${state.affectedOnly ? 'affected only' : 'all'} (f)` : ''}
      </Text>
      <Text wrap="truncate-end" color={paint(state.editingQuery ? 'yellow' : undefined)}>{filterLine}</Text>
      <Text wrap="truncate-end" dimColor>{formatFleetHeader(layout)}</Text>
      {windowRows.length === 0 ? <Text dimColor>  no stacks match</Text> : null}
      {windowRows.map((row, index) => (
        <SegmentLine
          key={rowKey(row, offset + index)}
          segments={formatFleetRow(row, {
            columns: layout,
            nowMs: props.nowMs,
            grouping: state.grouping,
            isCursor: offset + index === cursor,
            isSelected: row.kind === 'stack' && state.selected.has(row.stack.name),
          })}
        />
      ))}
      <Text wrap="truncate-end" dimColor>
        {state.message ?? `${offset + 1}-${offset + windowRows.length} of ${fleetRows.length} · ? help · space select · p plan · A apply · q quit`}
      </Text>
    </Box>
  );
}

interface RowsCache {
  fleet: readonly FleetStackInfo[];
  query: string;
  affectedOnly: boolean;
  grouping: FleetViewState['grouping'];
  visible: FleetStackInfo[];
  rows: FleetRow[];
}

function editQuery(input: string, key: Key, state: FleetViewState, update: (patch: Partial<FleetViewState>) => void): void {
  if (key.return) update({ editingQuery: false });
  else if (key.escape) update({ editingQuery: false, query: '' });
  else if (key.backspace || key.delete) update({ query: state.query.slice(0, -1) });
  else if (input && !key.ctrl && !key.meta) update({ query: state.query + input });
}

function rowKey(row: FleetRow, index: number): string {
  return row.kind === 'stack' ? `s:${row.stack.name}` : `g:${row.label}:${index}`;
}
