export { buildStackBaseEnv, withoutOrchestratorSecrets } from './stack-base-env.js';
export type { StackBaseEnv } from './stack-base-env.js';
export { resolveSecrets } from './resolve-secrets.js';
export type { ResolveSecretsOptions } from './resolve-secrets.js';
export { combineSecretErrors, isSecretMissing, splitSecretErrors } from './combine-secret-errors.js';
export { collectStackSecretSources, type StackSecretSources } from './collect-stack-secret-sources.js';
