import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { checkManifestSchema } from './check-schema.js';
import { parseStackFast } from './parse-stack-fast.js';
import { normalizeManifest, normalizeStack } from './normalize.js';
import { parseValidManifest } from './parse-valid-manifest.js';
import { listStacks } from './rules/rule-context.js';
import { stackSchema } from './schema.js';

// Each written as in stacks.yaml, so the values are what the YAML parser hands over.
const accepted = [
  '{ path: a }',
  '{ path: a, runner: command, commands: { destroy: "d", apply: "true" }, labels: [x, y] }',
  '{ repo: infra, path: "", runner: tofu, timeout: "", pool: gpu.large-1 }',
  '{ path: a, timeout: 1h30m, contexts: [c], watch: ["**/*.tf"], after: [b] }',
  '{ path: a, vars: { n: 1, list: [1, "2"], deep: { x: null }, t: "${{ vars.n }}" }, env: { A: 1, B: true, C: "c", D: 1.5 } }',
  '{ path: a, files: { "x.txt": "y" }, dependsOn: [b, { stack: c }, { stack: d, outputs: { out: OUT } }] }',
  '{ path: a, commands: {} , labels: [], vars: {}, env: {} }',
  '{ path: a, commands: { apply: a, plan: p, destroy: d } }',
  '{ path: a, commands: { plan: p, destroy: d } }',
];

// Valid, but outside the hand-checked shape: zod decides.
const leftToZod = [
  '{ path: a, secrets: { S: { fromEnv: S } } }',
  '{ path: a, hooks: { afterApply: x } }',
  '{ path: a, retries: { attempts: 2 } }',
  '{ path: a, drift: { remediate: true } }',
  '{ path: a, dependsOn: [{ stack: b, mock: { x: 1 } }] }',
  '{ path: a, vars: { __proto__: 1 } }',
];

// Invalid: zod words the problem.
const rejected = [
  '[a]',
  'null',
  '{ runner: command }',
  '{ path: 1 }',
  '{ path: a, runner: nope }',
  '{ path: a, labels: [1] }',
  '{ path: a, labels: x }',
  '{ path: a, env: { A: .inf } }',
  '{ path: a, env: { A: .nan } }',
  '{ path: a, env: { A: [1] } }',
  '{ path: a, env: { A: null } }',
  '{ path: a, files: { f: 1 } }',
  '{ path: a, timeout: 5 parsecs }',
  '{ path: a, pool: -x }',
  '{ path: a, commands: { apply: 1 } }',
  '{ path: a, commands: { aply: x } }',
  '{ path: a, commands: { plan: p, apply: 1 } }',
  '{ path: a, commands: { apply: a, plan: null } }',
  '{ path: a, dependsOn: [{ stack: b, outputs: { o: 1 } }] }',
  '{ path: a, dependsOn: [{ outputs: {} }] }',
  '{ path: a, dependsOn: b }',
  '{ path: a, repo: null }',
  '{ path: a, typo: 1 }',
  '{ path: a, vars: [1] }',
];

function parseYaml(text: string): unknown {
  return load(text);
}

describe('parseStackFast', () => {
  it.each(accepted)('returns exactly what zod and normalization return for %s', (text) => {
    const entry = parseYaml(text);
    const fast = parseStackFast(entry, 's');
    expect(fast).toBeDefined();
    const zod = normalizeStack(stackSchema.parse(entry), 's');
    expect(fast).toStrictEqual(zod);
    // Same keys in the same order, down to `commands`, whose order zod fixes.
    expect(JSON.stringify(fast)).toBe(JSON.stringify(zod));
  });

  it.each(leftToZod)('leaves %s to zod, which accepts it', (text) => {
    const entry = parseYaml(text);
    expect(parseStackFast(entry, 's')).toBeUndefined();
    expect(stackSchema.safeParse(entry).success).toBe(true);
  });

  it.each(rejected)('leaves %s to zod, which rejects it', (text) => {
    const entry = parseYaml(text);
    expect(parseStackFast(entry, 's')).toBeUndefined();
    expect(stackSchema.safeParse(entry).success).toBe(false);
  });

  it('uses the parsed lists and maps as they are (a manifest is read-only)', () => {
    const entry = parseYaml('{ path: a, labels: [x], vars: { v: 1 }, after: [b], commands: { plan: p, apply: a } }') as Record<string, unknown>;
    const fast = parseStackFast(entry, 's')!;
    expect(fast.labels).toBe(entry['labels']);
    expect(fast.vars).toBe(entry['vars']);
    expect(fast.after).toBe(entry['after']);
    // Already in the schema's order: no copy.
    expect(fast.commands).toBe(entry['commands']);
  });
});

describe('parseValidManifest', () => {
  it('gives the manifest zod and normalization give, with stacks of every kind, checked by hand or by zod', () => {
    const stacks = [...accepted, ...leftToZod].map((text, index) => `  s${index}: ${text}`).join('\n');
    const data = parseYaml(`version: 1\nx-any: [1]\nsettings: { concurrency: 2 }\nvariables: { v: 1 }\nstacks:\n${stacks}\n`);
    const valid = parseValidManifest(data, 'stacks.yaml');
    expect(valid).toBeDefined();
    // The full path: zod alone on the whole manifest, then normalization.
    const full = checkManifestSchema(data, () => undefined);
    expect(full.problems).toEqual([]);
    expect(JSON.stringify(valid!.manifest)).toBe(JSON.stringify(normalizeManifest(full.raw!, 'stacks.yaml')));
    expect(valid!.declared).toEqual(full.declared);
  });

  it.each(['{ path: a, runner: nope }', '{ path: a, secrets: { S: {} } }'])('leaves a manifest with a stack %s to the full check', (text) => {
    expect(parseValidManifest(parseYaml(`version: 1\nstacks:\n  a: { path: a }\n  b: ${text}\n`), 'stacks.yaml')).toBeUndefined();
  });

  it('hands the rules its list of stacks, in the order Object.values gives (index-like names first)', () => {
    const valid = parseValidManifest(parseYaml('version: 1\nstacks:\n  b: { path: b }\n  "10": { path: t }\n  a: { path: a }\n  "2": { path: w }\n'), 'stacks.yaml')!;
    expect(listStacks(valid.manifest).map((stack) => stack.name)).toEqual(['2', '10', 'b', 'a']);
    expect(listStacks(valid.manifest)).toEqual(Object.values(valid.manifest.stacks));
  });

  it('leaves a problem outside the stacks to the full check', () => {
    expect(parseValidManifest(parseYaml('version: 2\nstacks:\n  a: { path: a }\n'), 'stacks.yaml')).toBeUndefined();
  });
});
