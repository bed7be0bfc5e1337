import { describe, expect, it } from 'vitest';
import { buildFleetRows, filterFleet, findStackRow, scrollWindow, type FleetRow } from './fleet-rows.js';
import type { FleetStackInfo } from './types.js';
import { createFleet } from './fleet.fixtures.js';

const describeRows = (rows: FleetRow[]): string[] =>
  rows.map((row) => (row.kind === 'group' ? `[${row.label}]` : `${'  '.repeat(row.depth)}${row.stack.name}`));

describe('filterFleet', () => {
  const fleet = createFleet();
  const names = (query: string, affectedOnly = false): string[] => filterFleet(fleet, { query, affectedOnly }).map((stack) => stack.name);

  it('matches name, path and label substrings, case-insensitively, all terms required', () => {
    expect(names('NET')).toEqual(['network']);
    expect(names('checks')).toEqual(['smoke']);
    expect(names('prod stacks/a')).toEqual(['app']);
    expect(names('')).toHaveLength(4);
  });

  it('supports exact label: and repo: terms', () => {
    expect(names('label:prod')).toEqual(['network', 'db', 'app']);
    expect(names('label:pro')).toEqual([]);
    expect(names('repo:payments')).toEqual(['app']);
  });

  it('keeps only affected stacks when asked', () => {
    const marked = fleet.map((stack) => ({ ...stack, affected: stack.name !== 'db' }));
    expect(filterFleet(marked, { query: '', affectedOnly: true }).map((stack) => stack.name)).toEqual(['network', 'app', 'smoke']);
  });
});

describe('buildFleetRows', () => {
  it('groups by repo, sorted, with the local repository first', () => {
    expect(describeRows(buildFleetRows(createFleet(), 'repo'))).toEqual([
      '[(this repository)]',
      'smoke',
      '[payments]',
      'app',
      '[platform]',
      'db',
      'network',
    ]);
  });

  it('builds the tree with each stack once, under its deepest dependency', () => {
    expect(describeRows(buildFleetRows(createFleet(), 'tree'))).toEqual(['network', '  db', '    app', '      smoke']);
  });

  it('treats a stack whose dependencies are filtered out as a root, and survives cycles', () => {
    const stack = (name: string, dependsOn: string[]): FleetStackInfo => ({ name, path: name, labels: [], runner: 'command', dependsOn, dependents: [], outputCount: 0 });
    expect(describeRows(buildFleetRows([stack('b', ['a']), stack('c', ['b'])], 'tree'))).toEqual(['b', '  c']);
    expect(buildFleetRows([stack('x', ['y']), stack('y', ['x'])], 'tree')).toHaveLength(2);
  });
});

describe('list window', () => {
  it('moves the window as little as possible to keep the cursor visible', () => {
    expect(scrollWindow(0, 0, 10, 100)).toBe(0);
    expect(scrollWindow(10, 0, 10, 100)).toBe(1);
    expect(scrollWindow(5, 20, 10, 100)).toBe(5);
    expect(scrollWindow(99, 0, 10, 100)).toBe(90);
    expect(scrollWindow(3, 0, 10, 4)).toBe(0);
  });

  it('skips group headers', () => {
    const rows = buildFleetRows(createFleet(), 'repo');
    expect(findStackRow(rows, 0, 1)).toBe(1);
    expect(findStackRow(rows, 2, -1)).toBe(1);
    expect(findStackRow(rows, 2, 1)).toBe(3);
  });
});
