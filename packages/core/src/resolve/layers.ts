import type { ContextSpec, Hooks, Manifest, SecretSource, StackSpec } from '../model.js';

/** One level of the precedence ladder, lowest first when collected. */
export interface ResolutionLayer {
  /** Where values from this layer came from, used in provenance: `variables`, `context aws-prod`, `stack`. */
  label: string;
  env: Record<string, string>;
  vars: Record<string, unknown>;
  secrets: Record<string, SecretSource>;
  files: Record<string, string>;
  hooks: Hooks;
}

/**
 * The layers that apply to a stack, lowest precedence first (SPEC §2):
 * manifest `variables` < auto-attached contexts < contexts listed on the
 * stack (in order) < the stack's own keys.
 *
 * Auto-attached contexts are ordered so that the winner comes last: a lower
 * `priority` number wins, and at equal priority the alphabetically first name
 * wins. A context both auto-attached and listed counts only as listed (the
 * higher layer), so listing a context is a way to raise its precedence.
 */
export function collectResolutionLayers(manifest: Manifest, stack: StackSpec): ResolutionLayer[] {
  const listed = new Set(stack.contexts);
  const autoAttached = Object.values(manifest.contexts)
    .filter((context) => !listed.has(context.name) && attachesTo(context, stack))
    .sort(compareAutoContextsWinnerFirst)
    .reverse();
  const listedContexts = stack.contexts
    .map((name) => manifest.contexts[name])
    .filter((context): context is ContextSpec => context !== undefined);

  return [
    { label: 'variables', env: {}, vars: manifest.variables, secrets: {}, files: {}, hooks: {} },
    ...[...autoAttached, ...listedContexts].map(contextLayer),
    {
      label: 'stack',
      env: stack.env,
      vars: stack.vars,
      secrets: stack.secrets,
      files: stack.files,
      hooks: stack.hooks,
    },
  ];
}

function attachesTo(context: ContextSpec, stack: StackSpec): boolean {
  const labels = context.attachTo?.labels ?? [];
  return labels.includes('*') || labels.some((label) => stack.labels.includes(label));
}

function compareAutoContextsWinnerFirst(a: ContextSpec, b: ContextSpec): number {
  return a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function contextLayer(context: ContextSpec): ResolutionLayer {
  return {
    label: `context ${context.name}`,
    env: context.env,
    vars: context.vars,
    secrets: context.secrets,
    files: context.files,
    hooks: context.hooks,
  };
}
