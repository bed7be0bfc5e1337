import type { ManifestRule } from './rule-context.js';
import { validateCommands } from './validate-commands.js';
import { validateDrift } from './validate-drift.js';
import { validateEnvNames } from './validate-env-names.js';
import { validateNames } from './validate-names.js';
import { validatePaths } from './validate-paths.js';
import { validatePolicies } from './validate-policies.js';
import { validateRepoRefs } from './validate-repo-refs.js';
import { validateReferences } from './validate-references.js';
import { validateRetries } from './validate-retries.js';
import { validateStateUrl } from './validate-state-url.js';
import { validateTemplates } from './validate-templates.js';
import { validateVariableCycles } from './validate-variable-cycles.js';

export { createProblem, createSuggester, type ManifestRule, type RuleContext } from './rule-context.js';
export { findCronError } from './validate-drift.js';
export { findPathEscape } from './validate-paths.js';
export { findRetryPatternError } from '../retry-pattern.js';
export { describeLocalRef } from './validate-repo-refs.js';

/** Every rule the loader runs after the schema, in a fixed order. */
export const MANIFEST_RULES: readonly ManifestRule[] = [
  validateNames,
  validateReferences,
  validatePaths,
  validateRepoRefs,
  validateStateUrl,
  validateCommands,
  validateEnvNames,
  validateDrift,
  validateRetries,
  validateTemplates,
  validateVariableCycles,
  validatePolicies,
];
