import picomatch from 'picomatch';
import type { Problem } from '../../errors.js';
import { policyAppliesTo } from '../policy-applies-to.js';
import { createProblem, type ManifestRule, listStacks } from './rule-context.js';

/**
 * A policy narrowed by a stack glob or a label that matches no stack would
 * silently guard nothing (a typo disables a guardrail), so both are errors;
 * so is a narrowing whose parts each match some stack but never the same
 * one (`stacks: [db]` with `labels: [prod]` when db is not prod), or that
 * names only runners no stack uses.
 */
export const validatePolicies: ManifestRule = (context) => {
  const problems: Problem[] = [];
  // Most fleets have no policies: no pass over every stack's labels for them.
  if (context.manifest.policies.length === 0) return problems;
  const stacks = listStacks(context.manifest);
  const labels = new Set(stacks.flatMap((stack) => stack.labels));
  context.manifest.policies.forEach((policy, index) => {
    const before = problems.length;
    (policy.stacks ?? []).forEach((glob, globIndex) => {
      const matches = picomatch(glob);
      if (stacks.some((stack) => matches(stack.name))) return;
      // `stacks: GLOB` (normalized to a list) is reported where and as it is written.
      const path = context.policyStacksAsString.has(index) ? ['policies', index, 'stacks'] : ['policies', index, 'stacks', globIndex];
      problems.push(
        createProblem(context, {
          code: 'E_UNKNOWN_STACK',
          path,
          message: `"${glob}" matches no stack${context.suggest(glob, context.declared.stacks)}`,
          hint: 'use a stack name or a glob that matches one (e.g. "app-*"), or remove it to apply the policy to every stack',
        }),
      );
    });
    (policy.labels ?? []).forEach((label, labelIndex) => {
      if (labels.has(label)) return;
      problems.push(
        createProblem(context, {
          code: 'E_UNKNOWN_LABEL',
          path: ['policies', index, 'labels', labelIndex],
          message: `no stack carries label "${label}"${context.suggest(label, labels)}`,
          hint: 'use a label some stack carries, or remove it',
        }),
      );
    });
    // One problem per mistake: a glob or label that matches nothing already says why this policy guards nothing.
    if (problems.length > before || stacks.some((stack) => policyAppliesTo(policy, stack))) return;
    const parts = (['stacks', 'labels', 'runners'] as const).filter((key) => policy[key] !== undefined);
    problems.push(
      createProblem(context, {
        code: 'E_NO_MATCH',
        path: ['policies', index],
        message: `policy ${policy.file} applies to no stack: no stack matches its ${parts.join(' and ')} together`,
        hint: `every given narrowing must match (a stack glob, any of the labels, any of the runners): ${parts.length > 1 ? 'widen or drop one of them' : 'name a runner some stack uses, or drop runners'}`,
      }),
    );
  });
  return problems;
};
