/**
 * A stack's policy decisions as short marks for its row in the live view
 * (`⚠ 2 warnings`, `approval required: someone looks`, `approved by bob`),
 * and the run's as the summary's `policies:` line. Pure; the messages are
 * escaped for the terminal (one line, no escape sequences), already masked.
 */
import { escapeTerminalText, formatCount, pickPolicyEffectColor, type PolicyDecisionView, type StackStatus } from '@stackfleet/core';
import type { StyledText } from './format.js';
import type { RunPolicyTally } from './run-view-state.js';

/**
 * The marks of one stack, warnings first. A deny or a pending approval that
 * ended the stack is left out: its status and reason (`denied by policy: …`,
 * `awaiting approval: …`) already say so. A plan run's stack that will need
 * an approval to be applied shows it here.
 */
export function formatPolicyMarks(decisions: readonly PolicyDecisionView[] | undefined, status?: StackStatus): StyledText[] {
  if (decisions === undefined || decisions.length === 0) return [];
  const of = (effect: PolicyDecisionView['effect']) => decisions.filter((decision) => decision.effect === effect);
  const messages = (list: readonly PolicyDecisionView[]) => list.map((decision) => escapeTerminalText(decision.message)).join('; ');
  const marks: StyledText[] = [];
  const warnings = of('warn');
  if (warnings.length > 0) marks.push({ text: `⚠ ${formatCount(warnings.length, 'warning')}`, style: pickPolicyEffectColor('warn') });
  const denials = of('deny');
  if (denials.length > 0 && status !== 'denied') marks.push({ text: `denied: ${messages(denials)}`, style: pickPolicyEffectColor('deny') });
  const approvals = of('require_approval');
  const pending = approvals.filter((decision) => !decision.approvedBy?.length);
  if (pending.length > 0 && status !== 'awaiting_approval') {
    marks.push({ text: `approval required: ${messages(pending)}`, style: pickPolicyEffectColor('require_approval') });
  }
  const approvers = [...new Set(approvals.flatMap((decision) => decision.approvedBy ?? []))].sort();
  if (approvers.length > 0) marks.push({ text: `approved by ${escapeTerminalText(approvers.join(', '))}`, style: 'green' });
  return marks;
}

/** `1 warning · 1 denial · 2 approvals required · 1 approved`: each decision of the run counted once; empty when there was none. */
export function formatPolicyTally(tally: RunPolicyTally): StyledText[] {
  const parts: StyledText[] = [];
  if (tally.warnings > 0) parts.push({ text: formatCount(tally.warnings, 'warning'), style: pickPolicyEffectColor('warn') });
  if (tally.denials > 0) parts.push({ text: formatCount(tally.denials, 'denial'), style: pickPolicyEffectColor('deny') });
  if (tally.approvalsRequired > 0) parts.push({ text: `${formatCount(tally.approvalsRequired, 'approval')} required`, style: pickPolicyEffectColor('require_approval') });
  if (tally.approved > 0) parts.push({ text: `${tally.approved} approved`, style: 'green' });
  return parts;
}

/** Pieces joined with ` · ` (in `style`). */
export function joinStyled(pieces: readonly StyledText[], style?: StyledText['style']): StyledText[] {
  return pieces.flatMap((piece, index) => (index === 0 ? [piece] : [{ text: ' · ', ...(style === undefined ? {} : { style }) }, piece]));
}
