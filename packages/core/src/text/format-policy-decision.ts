import type { PolicyDecisionView } from '../policy-gate.js';
import { escapeTerminalText } from './escape-terminal-text.js';
import type { PaintStyle } from './paint.js';

/**
 * `deny: deleting a production database is not allowed (blast-radius/no-prod-db-delete)`: one look in logs, `show`
 * and the UI; a satisfied `require_approval` adds `, approved by bob`. For the terminal: control characters in the
 * policy's text are escaped (`escapeTerminalText`).
 */
export function formatPolicyDecision(decision: PolicyDecisionView): string {
  const approved = !decision.approvedBy?.length ? '' : `, approved by ${escapeTerminalText(decision.approvedBy.join(', '))}`;
  return `${decision.effect}: ${formatDecisionReason(decision)}${approved}`;
}

/** `deleting a production database is not allowed (blast-radius/no-prod-db-delete)`, escaped for the terminal. */
export function formatDecisionReason(decision: Pick<PolicyDecisionView, 'policy' | 'rule' | 'message'>): string {
  return escapeTerminalText(`${decision.message} (${decision.policy}/${decision.rule})`);
}

/** deny red, require_approval yellow, warn magenta: apart from the stack statuses' colours. */
export function pickPolicyEffectColor(effect: PolicyDecisionView['effect']): PaintStyle {
  return effect === 'deny' ? 'red' : effect === 'require_approval' ? 'yellow' : 'magenta';
}
