import type { LoadedManifest, Manifest, StackSpec } from '@stackfleet/core';

type RawStack = Partial<StackSpec> & { path: string };
export type RawManifest = Partial<Omit<Manifest, 'stacks'>> & { stacks: Record<string, RawStack> };

/**
 * A normalized manifest from a compact one: every stack key has its default,
 * so a test names only what it is about (a stand-in for `parseManifest`).
 */
export function buildTestManifest(raw: RawManifest): Manifest {
  const stacks: Record<string, StackSpec> = {};
  for (const [name, spec] of Object.entries(raw.stacks)) {
    stacks[name] = {
      name, runner: 'terraform', labels: [], contexts: [], vars: {}, env: {}, secrets: {}, files: {},
      hooks: {}, watch: [], dependsOn: [], after: [], commands: {},
      retries: { attempts: 1, on: [], backoffMs: 1000 }, ...spec,
    };
  }
  return {
    version: 1, source: 'stacks.yaml', repos: {}, settings: { stateDir: '.stackfleet', limits: {} },
    variables: {}, contexts: {}, policies: [], teams: {}, ...raw, stacks,
  };
}

export function parseTestManifest(text: string): LoadedManifest {
  return { manifest: buildTestManifest(JSON.parse(text) as RawManifest), locate: () => undefined };
}
