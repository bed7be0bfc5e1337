import { renderShellTemplate } from '../interpolation/render-shell-template.js';
import { renderTemplate, type TemplateScope } from '../interpolation/render-template.js';
import type { ContextSpec, HookName, Hooks, Manifest, SecretSource, StackSpec } from '../model.js';

/** One level of the precedence ladder, lowest first when collected. */
export interface ResolutionLayer {
  /** Where values from this layer came from, used in provenance: `variables`, `context aws-prod`, `stack`. */
  label: string;
  /** Where this layer's `vars` are in the manifest, for located errors: `['contexts', 'prod', 'vars']`. */
  varsKeyPath: string[];
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
  return [...collectSharedLayers(manifest, stack), {
    label: 'stack',
    varsKeyPath: ['stacks', stack.name, 'vars'],
    env: stack.env,
    vars: stack.vars,
    secrets: stack.secrets,
    files: stack.files,
    hooks: stack.hooks,
  }];
}

// Manifest -> (labels, listed contexts) -> the layers below the stack's own.
// Thousands of stacks share a few such pairs, and resolving them all (every
// run, `affected` on both sides of a comparison) sorted the contexts and
// built their layers once per stack. Manifests are not changed once parsed.
const SHARED_LAYERS = new WeakMap<Manifest, Map<string, readonly ResolutionLayer[]>>();

function collectSharedLayers(manifest: Manifest, stack: StackSpec): readonly ResolutionLayer[] {
  let byStackShape = SHARED_LAYERS.get(manifest);
  if (byStackShape === undefined) SHARED_LAYERS.set(manifest, (byStackShape = new Map<string, readonly ResolutionLayer[]>()));
  const shape = `${stack.labels.join('\0')}\u0001${stack.contexts.join('\0')}`;
  let layers = byStackShape.get(shape);
  if (layers === undefined) {
    const listed = new Set(stack.contexts);
    const autoAttached = Object.values(manifest.contexts)
      .filter((context) => !listed.has(context.name) && attachesTo(context, stack))
      .sort(compareAutoContextsWinnerFirst)
      .reverse();
    const listedContexts = stack.contexts
      .map((name) => manifest.contexts[name])
      .filter((context): context is ContextSpec => context !== undefined);
    layers = [
      { label: 'variables', varsKeyPath: ['variables'], env: {}, vars: manifest.variables, secrets: {}, files: {}, hooks: {} },
      ...[...autoAttached, ...listedContexts].map(contextLayer),
    ];
    byStackShape.set(shape, layers);
  }
  return layers;
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
    varsKeyPath: ['contexts', context.name, 'vars'],
    env: context.env,
    vars: context.vars,
    secrets: context.secrets,
    files: context.files,
    hooks: context.hooks,
  };
}

/** Merges one key of every layer, key by key, the higher layer winning; records where each key came from. */
export function mergeLayers<T>(
  layers: ResolutionLayer[],
  pick: (layer: ResolutionLayer) => Record<string, T>,
  kind: string,
  provenance?: Record<string, string>,
): Record<string, T> {
  const merged: Record<string, T> = {};
  for (const layer of layers) {
    // Keys, not entries: one array per layer instead of one per key (runs and `affected` merge 4 kinds × every layer × every stack).
    const values = pick(layer);
    for (const key of Object.keys(values)) {
      merged[key] = values[key]!;
      if (provenance) provenance[`${kind}.${key}`] = layer.label;
    }
  }
  return merged;
}

/**
 * Hooks concatenate in precedence order (context hooks run before the stack's),
 * each rendered. With `hookEnv`, values never enter a command line: each
 * `${{ }}` becomes `"${STACKFLEET_HOOK_VALUE_n}"` and its value goes to
 * `hookEnv` (see `renderShellTemplate`); without it, values are spliced in
 * (for comparing inputs, never for running).
 */
export function concatenateHooks(
  layers: ResolutionLayer[],
  scope: TemplateScope,
  provenance: Record<string, string>,
  hookEnv?: Record<string, string>,
): Hooks {
  const hooks: Hooks = {};
  let values = 0;
  const nextName = (): string => `STACKFLEET_HOOK_VALUE_${(values += 1)}`;
  const render = (command: string): string => {
    if (hookEnv === undefined) return renderTemplate(command, scope);
    const rendered = renderShellTemplate(command, scope, nextName);
    Object.assign(hookEnv, rendered.env);
    return rendered.command;
  };
  for (const layer of layers) {
    for (const [hook, commands] of Object.entries(layer.hooks) as [HookName, string[] | undefined][]) {
      if (!commands || commands.length === 0) continue;
      hooks[hook] = [...(hooks[hook] ?? []), ...commands.map(render)];
      const key = `hooks.${hook}`;
      provenance[key] = provenance[key] ? `${provenance[key]}, ${layer.label}` : layer.label;
    }
  }
  return hooks;
}
