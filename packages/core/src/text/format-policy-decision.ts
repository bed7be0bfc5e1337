import type { PolicyDecisionView } from '../policy-gate.js';
import type { PaintStyle } from './paint.js';

/** `deny: deleting a production database is not allowed (blast-radius/no-prod-db-delete)`: one look in logs, `show` and the UI. */
export function formatPolicyDecision(decision: PolicyDecisionView): string {
  return `${decision.effect}: ${decision.message} (${decision.policy}/${decision.rule})`;
}

/** deny red, require_approval yellow, warn magenta: apart from the stack statuses' colours. */
export function pickPolicyEffectColor(effect: PolicyDecisionView['effect']): PaintStyle {
  return effect === 'deny' ? 'red' : effect === 'require_approval' ? 'yellow' : 'magenta';
}
