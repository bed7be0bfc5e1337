import type { Problem } from '../../errors.js';
import type { KeySegment } from '../key-path.js';
import { createProblem, forEachSpec, type ManifestRule, type RuleContext, listStacks } from './rule-context.js';
import { quoteText } from '../../text/quote-text.js';
import { isEmptyContainer } from '../../interpolation/collect-references.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_KEYS = ['env', 'secrets'] as const;
const HINT = 'use letters, digits and underscores, not starting with a digit (e.g. TF_VAR_vpc_id)';

/** Keys of env and secrets, and the targets of dependsOn outputs, are environment variable names. */
export const validateEnvNames: ManifestRule = (context) => {
  const problems: Problem[] = [];
  forEachSpec(context.manifest, (section, spec) => {
    for (let at = 0; at < ENV_KEYS.length; at += 1) {
      const key = ENV_KEYS[at]!;
      if (isEmptyContainer(spec[key])) continue;
      for (const name in spec[key]) {
        if (!ENV_NAME.test(name)) problems.push(invalidName(context, name, [section, spec.name, key, name], 'key'));
      }
    }
  });
  const stacks = listStacks(context.manifest);
  for (let at = 0; at < stacks.length; at += 1) {
    const stack = stacks[at]!;
    const { dependsOn } = stack;
    for (let index = 0; index < dependsOn.length; index += 1) {
      const { outputs } = dependsOn[index]!;
      // Most dependencies pass no outputs (the shared empty map): no for-in for them.
      if (isEmptyContainer(outputs)) continue;
      for (const output in outputs) {
        const name = outputs[output]!;
        if (ENV_NAME.test(name)) continue;
        problems.push(invalidName(context, name, ['stacks', stack.name, 'dependsOn', index, 'outputs', output], 'value'));
      }
    }
  }
  return problems;
};

function invalidName(context: RuleContext, name: string, path: KeySegment[], target: 'key' | 'value'): Problem {
  return createProblem(context, {
    code: 'E_ENV_NAME',
    path,
    message: `invalid environment variable name ${quoteText(name)}`,
    hint: HINT,
    target,
  });
}
