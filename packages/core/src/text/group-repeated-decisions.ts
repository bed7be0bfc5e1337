import type { PolicyDecisionView } from '../policy-gate.js';

/** A decision as listed: about one stack, or (`null`/absent) about the whole run. */
export type ListedDecision = PolicyDecisionView & { stack?: string | null };

/**
 * What makes two decisions the same one (stack, policy, rule, effect,
 * message, who satisfied it): a stack re-planned in its run, or a run
 * resumed, is judged again and repeats its decisions.
 */
export function buildDecisionKey(decision: ListedDecision): string {
  return JSON.stringify([decision.stack ?? null, decision.policy, decision.rule, decision.effect, decision.message, decision.approvedBy ?? []]);
}

/**
 * Identical decisions as one, in the order first made, with how many times
 * they were made: `show RUN` prints them with `×N`, the UI's stack details too.
 */
export function groupRepeatedDecisions<T extends ListedDecision>(decisions: readonly T[]): { decision: T; count: number }[] {
  const groups = new Map<string, { decision: T; count: number }>();
  for (const decision of decisions) {
    const key = buildDecisionKey(decision);
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { decision, count: 1 });
  }
  return [...groups.values()];
}
