import type { StackStatus } from '../events.js';
import type { PaintStyle } from './paint.js';

/** A stack's final status, or where it is while a run is going. */
export type DisplayStatus = StackStatus | 'running' | 'queued' | 'pending';

/**
 * One icon and one colour per status, for CI logs and the UI alike. `changed`
 * is `~` (terraform's "update") so a log shows at a glance which stacks did
 * something; `succeeded` is a check.
 */
const STATUS_STYLES: Record<DisplayStatus, { icon: string; color: PaintStyle | undefined }> = {
  succeeded: { icon: '✓', color: 'green' },
  changed: { icon: '~', color: 'yellow' },
  unchanged: { icon: '=', color: 'gray' },
  failed: { icon: '✗', color: 'red' },
  denied: { icon: '⊘', color: 'red' },
  awaiting_approval: { icon: '?', color: 'yellow' },
  skipped: { icon: '↷', color: 'gray' },
  interrupted: { icon: '!', color: 'yellow' },
  running: { icon: '●', color: 'cyan' },
  queued: { icon: '…', color: undefined },
  pending: { icon: '·', color: undefined },
};

/** `✓`, `~`, `✗`…; a space for no status, so columns stay aligned. */
export function formatStatusIcon(status: DisplayStatus | undefined): string {
  return status === undefined ? ' ' : STATUS_STYLES[status].icon;
}

/** The status's colour: an ANSI style for the plain reporter, an ink colour name for the UI. */
export function pickStatusColor(status: DisplayStatus | undefined): PaintStyle | undefined {
  return status === undefined ? undefined : STATUS_STYLES[status].color;
}
