export { resolveSecrets } from './resolve-secrets.js';
export type { ResolveSecretsOptions } from './resolve-secrets.js';
