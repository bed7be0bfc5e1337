/** The fleet screen's UI state (kept by the app so it survives a run) and its pure key handling helpers. */
import type { FleetGrouping } from './fleet-rows.js';

export interface FleetViewState {
  /** Index into the built rows. */
  cursor: number;
  /** First visible row. */
  offset: number;
  grouping: FleetGrouping;
  query: string;
  /** True while `/` typing is going on. */
  editingQuery: boolean;
  affectedOnly: boolean;
  selected: ReadonlySet<string>;
  /** A one-line notice (e.g. "unlocked network"). */
  message?: string;
}

export function createFleetViewState(): FleetViewState {
  return { cursor: 0, offset: 0, grouping: 'repo', query: '', editingQuery: false, affectedOnly: false, selected: new Set() };
}

/** Selection toggled for one stack, as a new set. */
export function toggleSelection(selected: ReadonlySet<string>, name: string): Set<string> {
  const next = new Set(selected);
  if (next.has(name)) next.delete(name);
  else next.add(name);
  return next;
}
