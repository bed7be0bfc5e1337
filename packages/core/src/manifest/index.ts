export { parseManifest } from './parse-manifest.js';
export { buildManifestJsonSchema } from './json-schema.js';
export { manifestSchema, stackSchema, contextSchema } from './schema.js';
export { HOOK_NAMES, RUNNER_KINDS } from './schema-parts.js';
export { parseDuration } from './duration.js';
export { formatKeyPath, parseKeyPath, type KeySegment } from './key-path.js';
export { describeLocalRef, findCronError, findPathEscape, findRetryPatternError } from './rules/index.js';
export { collectLabelWarnings } from './collect-label-warnings.js';
export { compileRetryPattern, type RetryMatcher } from './retry-pattern.js';
