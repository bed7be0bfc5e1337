import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContextSpec, Manifest, RunnerKind, StackSpec } from '../model.js';
import { resolveStack } from '../resolve/resolve-stack.js';
import { selectAffectedStacks } from './select-affected-stacks.js';

/**
 * Property (issue #11): for random manifests and random edits, the stacks that
 * manifest edits make affected are exactly the stacks whose inputs, as the run
 * resolves them (`resolveStack`, an independent path from the comparison
 * under test), differ between the two versions — plus new stacks.
 */

// Variable i may only read variables after it: every generated manifest is acyclic.
const VARIABLES = ['environment', 'region', 'tags', 'size'] as const;
const STACKS = ['s0', 's1', 's2', 's3'] as const;
const CONTEXTS = ['c0', 'c1', 'c2'] as const;
const LABELS = ['prod', 'core'] as const;

/** A value for variable `index`: a literal, or a read of a later variable (`tags` is always a map). */
const valueFor = (index: number): fc.Arbitrary<unknown> => {
  if (VARIABLES[index] === 'tags') return fc.record({ team: fc.constantFrom('core', 'platform', '${{ vars.size }}') });
  return fc.oneof(
    fc.constantFrom('dev', 'staging', 'x', 1, 2),
    fc.integer({ min: index + 1, max: VARIABLES.length }).map((later) => {
      const name = VARIABLES[later];
      if (name === undefined) return 'plain';
      return name === 'tags' ? '${{ vars.tags.team }}-t' : `\${{ vars.${name} }}`;
    }),
  );
};
/** A vars map: a subset of the variables (all of them for `variables`, so every read resolves). */
const varsMap = (all = false) => fc.tuple(...VARIABLES.map((_, index) => (all ? valueFor(index) : fc.option(valueFor(index), { nil: undefined }))))
  .map((values) => Object.fromEntries(values.flatMap((value, index) => (value === undefined ? [] : [[VARIABLES[index]!, value]]))));
// Mostly literal: a variable edit must often reach a stack only as TF_VAR_*, where declarations decide.
const anyVarRead = fc.oneof(
  { arbitrary: fc.constantFrom('fixed', 'other'), weight: 6 },
  { arbitrary: fc.constantFrom('${{ vars.environment }}', 'z-${{ vars.tags.team }}', '${{ vars.size }}'), weight: 1 },
);
const envMap = fc.dictionary(fc.constantFrom('ZONE', 'REGION', 'size'), anyVarRead, { maxKeys: 2 });
const filesMap = fc.dictionary(fc.constantFrom('a.auto.tfvars', 'b.txt'), anyVarRead, { maxKeys: 1 });
const hooks = fc.option(fc.array(anyVarRead, { minLength: 1, maxLength: 2 }), { nil: undefined })
  .map((list) => (list === undefined ? {} : { beforePlan: list }));
const secrets = fc.dictionary(fc.constantFrom('TOKEN', 'DB'), fc.constantFrom({ fromEnv: 'A' }, { fromEnv: 'B' }, { fromFile: 'f' }), { maxKeys: 1 });

const contextSpec = (name: string) => fc.record({
  attach: fc.option(fc.constantFrom(['prod'], ['core'], ['*']), { nil: undefined }),
  priority: fc.constantFrom(10, 50, 100),
  vars: varsMap(), env: envMap, files: filesMap, hooks, secrets,
}).map(({ attach, ...spec }): ContextSpec => ({ name, ...spec, ...(attach ? { attachTo: { labels: attach } } : {}) }));

const stackSpec = (name: string, index: number) => fc.record({
  exists: fc.boolean(),
  runner: fc.constantFrom<RunnerKind>('terraform', 'command'),
  repo: fc.boolean(),
  labels: fc.subarray([...LABELS]),
  contexts: fc.subarray([...CONTEXTS]),
  vars: varsMap(), env: envMap, files: filesMap, hooks, secrets,
  upstream: fc.option(fc.constantFrom(...STACKS.filter((other) => other !== name)), { nil: undefined }),
  reads: index === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...STACKS.slice(0, index)), { nil: undefined }),
  apply: fc.constantFrom('./apply.sh', './deploy.sh'),
});

const parts = fc.record({
  variables: varsMap(true),
  ref: fc.constantFrom(undefined, 'v1', 'v2'),
  contexts: fc.tuple(...CONTEXTS.map((name) => contextSpec(name))),
  stacks: fc.tuple(...STACKS.map((name, index) => stackSpec(name, index))),
});
type Parts = typeof parts extends fc.Arbitrary<infer T> ? T : never;

function buildManifest(from: Parts): Manifest {
  const stacks: Record<string, StackSpec> = {};
  from.stacks.forEach((spec, index) => {
    const name = STACKS[index]!;
    if (!spec.exists) return;
    const env = { ...spec.env, ...(spec.reads ? { UP: `\${{ stacks.${spec.reads}.outputs.out }}` } : {}) };
    stacks[name] = {
      name, path: `stacks/${name}`, runner: spec.runner, labels: spec.labels, contexts: spec.contexts,
      vars: spec.vars, env, secrets: spec.secrets, files: spec.files, hooks: spec.hooks, watch: [], after: [],
      dependsOn: spec.upstream ? [{ stack: spec.upstream, outputs: { out: `IN_${spec.upstream}` } }] : [],
      commands: spec.runner === 'command' ? { apply: spec.apply } : {},
      retries: { attempts: 1, on: [], backoffMs: 1000 },
      ...(spec.repo ? { repo: 'platform' } : {}),
    };
  });
  return {
    version: 1, source: 'stacks.yaml', settings: { stateDir: '.stackfleet', limits: {} }, policies: [], teams: {},
    repos: { platform: { name: 'platform', url: '../platform', ...(from.ref ? { ref: from.ref } : {}) } },
    variables: from.variables,
    contexts: Object.fromEntries(from.contexts.map((spec) => [spec.name, spec])),
    stacks,
  };
}

/** The head version: each part of the base kept or replaced by the alternative, as `keep` says. */
function editParts(base: Parts, alternative: Parts, keep: boolean[]): Parts {
  let index = 0;
  const pick = <T>(left: T, right: T): T => (keep[index++ % keep.length] ? left : right);
  return {
    variables: Object.fromEntries(VARIABLES.flatMap((name) => {
      const value = pick(base.variables[name], alternative.variables[name]);
      return value === undefined ? [] : [[name, value]];
    })),
    ref: pick(base.ref, alternative.ref),
    contexts: base.contexts.map<Parts['contexts'][number]>((spec, i) => pick(spec, alternative.contexts[i]!)),
    stacks: base.stacks.map<Parts['stacks'][number]>((spec, i) => pick(spec, alternative.stacks[i]!)),
  };
}

/** What the run would give the stack, minus variables a terraform stack does not declare. */
function resolveForRun(manifest: Manifest, name: string, declared: ReadonlySet<string>): unknown {
  const resolved = resolveStack(manifest, name, {
    manifestDir: '/fleet',
    // A different ref is a different checkout.
    repoDirs: { platform: `/repos/platform@${manifest.repos.platform?.ref ?? 'default'}` },
    env: {},
    outputs: (stack) => ({ out: `out-of-${stack}` }),
  });
  const env = Object.fromEntries(Object.entries(resolved.env).filter(([key]) =>
    resolved.runner === 'command' || !key.startsWith('TF_VAR_') || declared.has(key.slice('TF_VAR_'.length))));
  // Hooks carry their `${{ }}` values in hookEnv (never spliced into the command): both count.
  const { dir, runner, secrets, files, hooks, hookEnv, commands } = resolved;
  return { dir, runner, env, secrets, files, hooks, hookEnv, commands };
}

describe('affected on resolved inputs (property)', () => {
  it('affects exactly the stacks whose resolved inputs differ, and the new ones', () => {
    fc.assert(
      fc.property(
        // Mostly small edits: each part is kept with probability 5/6.
        fc.noBias(parts), fc.noBias(parts), fc.array(fc.nat(5).map((roll) => roll > 0), { minLength: 12, maxLength: 12 }),
        fc.array(fc.subarray([...VARIABLES]), { minLength: STACKS.length, maxLength: STACKS.length }),
        (baseParts, alternative, keep, declaredLists) => {
          const previous = buildManifest(baseParts);
          const current = buildManifest(editParts(baseParts, alternative, keep));
          const declared = (name: string) => new Set(declaredLists[STACKS.indexOf(name as (typeof STACKS)[number])] ?? []);
          const result = selectAffectedStacks({
            manifest: current, previousManifest: previous, manifestPath: 'stacks.yaml',
            changes: {}, modules: {}, declaredVariables: declared,
          });
          const expected = Object.keys(current.stacks).filter((name) => !(name in previous.stacks)
            || !isSame(resolveForRun(previous, name, declared(name)), resolveForRun(current, name, declared(name))));
          expect([...result.affected.keys()].sort()).toEqual(expected.sort());
          expect(result.deleted).toEqual(Object.keys(previous.stacks).filter((name) => !(name in current.stacks)).sort());
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});

/** Equal content, whatever order map keys were written in. */
function isSame(left: unknown, right: unknown): boolean {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, child]) => [key, canonical(child)]));
  };
  return JSON.stringify(canonical(left)) === JSON.stringify(canonical(right));
}
