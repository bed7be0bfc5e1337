import { isOrchestratorSecret, parseTemplate, type Manifest, type SecretSource } from '@stackfleet/core';

export interface StackBaseEnv {
  /** What every stack process inherits: the orchestrator's environment less the secrets below. */
  env: Record<string, string>;
  /** The values removed: masked wherever they would appear anyway (`${{ env.X }}`, a stack reading a file). */
  hidden: string[];
}

/**
 * Builds the environment every stack process, hook and `run -- CMD` starts
 * from. Removed: stackfleet's own secret control variables, and every
 * variable a `fromEnv` secret reads (`MY_TOKEN` of `{ fromEnv: MY_TOKEN }`),
 * so that only the stacks that declare the secret get it, under the secret's
 * own name. Pure: the environment is passed in.
 */
export function buildStackBaseEnv(orchestratorEnv: Record<string, string | undefined>, manifest: Manifest): StackBaseEnv {
  const secretSources = collectFromEnvSources(manifest);
  for (const name of collectStateUrlSources(manifest)) secretSources.add(name);
  const env: Record<string, string> = {};
  const hidden: string[] = [];
  for (const [name, value] of Object.entries(orchestratorEnv)) {
    if (value === undefined) continue;
    if (isOrchestratorSecret(name) || secretSources.has(name)) hidden.push(value, ...urlPasswords(value));
    else env[name] = value;
  }
  return { env, hidden };
}

/** The environment of a `fromCommand` secret: the orchestrator's, less stackfleet's own secrets. */
export function withoutOrchestratorSecrets(env: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !isOrchestratorSecret(name)) kept[name] = value;
  return kept;
}

/** `settings.state.url: "${{ env.STACKFLEET_DB }}"` makes STACKFLEET_DB a secret of the orchestrator too. */
function collectStateUrlSources(manifest: Manifest): string[] {
  const url = manifest.settings.stateUrl;
  if (url === undefined) return [];
  try {
    return parseTemplate(url).flatMap((part) => (part.kind === 'reference' && part.reference.root === 'env' ? [part.reference.name] : []));
  } catch {
    return []; // validation reports a broken template; nothing to hide then
  }
}

/**
 * A hidden URL's password on its own, raw and percent-encoded: a driver's
 * error message may quote just the password, or the URL with it decoded.
 */
function urlPasswords(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  try {
    const encoded = new URL(value).password;
    return encoded === '' ? [] : [...new Set([encoded, decodeURIComponent(encoded)])];
  } catch {
    return [];
  }
}

function collectFromEnvSources(manifest: Manifest): Set<string> {
  const sources = new Set<string>();
  const add = (secrets: Record<string, SecretSource>): void => {
    for (const source of Object.values(secrets)) if ('fromEnv' in source) sources.add(source.fromEnv);
  };
  for (const context of Object.values(manifest.contexts)) add(context.secrets);
  for (const stack of Object.values(manifest.stacks)) add(stack.secrets);
  return sources;
}
