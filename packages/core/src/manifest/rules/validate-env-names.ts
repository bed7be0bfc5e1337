import type { Problem } from '../../errors.js';
import type { KeySegment } from '../key-path.js';
import { createProblem, listSpecs, type ManifestRule, type RuleContext } from './rule-context.js';
import { quoteText } from '../../text/quote-text.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HINT = 'use letters, digits and underscores, not starting with a digit (e.g. TF_VAR_vpc_id)';

/** Keys of env and secrets, and the targets of dependsOn outputs, are environment variable names. */
export const validateEnvNames: ManifestRule = (context) => {
  const problems: Problem[] = [];
  for (const { section, spec } of listSpecs(context.manifest)) {
    for (const key of ['env', 'secrets'] as const) {
      for (const name of Object.keys(spec[key])) {
        if (!ENV_NAME.test(name)) problems.push(invalidName(context, name, [section, spec.name, key, name], 'key'));
      }
    }
  }
  for (const stack of Object.values(context.manifest.stacks)) {
    stack.dependsOn.forEach((dependency, index) => {
      for (const [output, name] of Object.entries(dependency.outputs)) {
        if (ENV_NAME.test(name)) continue;
        problems.push(invalidName(context, name, ['stacks', stack.name, 'dependsOn', index, 'outputs', output], 'value'));
      }
    });
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
