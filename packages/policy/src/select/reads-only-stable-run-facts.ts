import type { LoadedPolicy } from './select-policies.js';

/** Fields of `input.run` that are the same in the plan run of an apply and in the run that applies its plans. */
const STABLE_RUN_FIELDS = new Set(['actor', 'command', 'type', 'branch', 'commit', 'pr']);

/**
 * Whether these policies decide a stack's plan from nothing that differs
 * between the two runs of one `apply` (its plan run and the run that applies
 * exactly those plans, in one process): CEL only (an exec command may read
 * anything), and no expression reads `input.approvals`, `input.run.id`,
 * `input.run.plannedBy`, or `input` / `input.run` as a whole. Read from the
 * expressions' text, conservatively: any other use of `input` than
 * `input.FIELD` (or `input.run.FIELD` with a stable field) answers false.
 * Approvals are counted outside CEL too: the caller keeps that apart.
 */
export function readsOnlyStableRunFacts(policies: readonly LoadedPolicy[]): boolean {
  return policies.every(({ policy }) => {
    if (policy.engine !== 'cel') return false;
    const expressions = [
      ...policy.variables.map((variable) => variable.expression.text),
      ...policy.rules.flatMap((rule) => [rule.when.text, ...(rule.message ? [rule.message.text] : [])]),
    ];
    return expressions.every(readsOnlyStableInput);
  });
}

function readsOnlyStableInput(text: string): boolean {
  for (const match of text.matchAll(/\binput\b/g)) {
    const field = /^\s*\.\s*([A-Za-z_]\w*)/.exec(text.slice(match.index + match[0].length));
    if (field === null || field[1] === 'approvals') return false;
    if (field[1] !== 'run') continue;
    const runField = /^\s*\.\s*([A-Za-z_]\w*)/.exec(text.slice(match.index + match[0].length + field[0].length));
    if (runField === null || !STABLE_RUN_FIELDS.has(runField[1]!)) return false;
  }
  return true;
}
