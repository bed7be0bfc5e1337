import { describe, expect, it } from 'vitest';
import type { ContextSpec, Manifest, StackSpec } from '../model.js';
import { explainAffected, selectAffectedDependents } from './explain-affected.js';
import { selectAffectedStacks } from './select-affected-stacks.js';

function stack(name: string, fields: Partial<StackSpec> = {}): StackSpec {
  return {
    name, path: `stacks/${name}`, runner: 'terraform', labels: [], contexts: [], vars: {}, env: {},
    secrets: {}, files: {}, hooks: {}, watch: [], dependsOn: [], after: [], commands: {},
    retries: { attempts: 1, on: [], backoffMs: 1000 }, ...fields,
  };
}

function context(name: string, fields: Partial<ContextSpec> = {}): ContextSpec {
  return { name, priority: 100, env: {}, vars: {}, secrets: {}, files: {}, hooks: {}, ...fields };
}

function manifest(stacks: StackSpec[], fields: Partial<Manifest> = {}): Manifest {
  return {
    version: 1, source: 'stacks.yaml', repos: {}, settings: { stateDir: '.stackfleet', limits: {} },
    variables: {}, contexts: {}, policies: [], teams: {}, ...fields,
    stacks: Object.fromEntries(stacks.map((spec) => [spec.name, spec])),
  };
}

const base = { manifestPath: 'stacks.yaml', modules: {} };

describe('selectAffectedStacks', () => {
  it('maps a file to the deepest stack path, per repo', () => {
    const current = manifest([
      stack('outer', { path: 'stacks' }),
      stack('inner', { path: 'stacks/inner' }),
      stack('remote', { repo: 'platform', path: 'stacks/inner' }),
    ]);
    const result = selectAffectedStacks({
      ...base, manifest: current,
      changes: { '': [{ path: 'stacks/inner/main.tf', status: 'modified' }] },
    });
    expect([...result.affected]).toEqual([['inner', 'stacks/inner/main.tf changed']]);
  });

  it('counts both sides of a rename and names the repo', () => {
    const current = manifest([stack('a', { repo: 'platform' }), stack('b', { repo: 'platform' })]);
    const result = selectAffectedStacks({
      ...base, manifest: current,
      changes: { platform: [{ path: 'stacks/b/x.tf', oldPath: 'stacks/a/x.tf', status: 'renamed' }] },
    });
    expect(Object.fromEntries(result.affected)).toEqual({
      a: 'platform:stacks/a/x.tf renamed to stacks/b/x.tf',
      b: 'platform:stacks/a/x.tf renamed to stacks/b/x.tf',
    });
  });

  it('follows module dirs and watch globs', () => {
    const current = manifest([stack('net'), stack('dns', { watch: ['shared/**/*.json'] }), stack('idle')]);
    const result = selectAffectedStacks({
      ...base, manifest: current,
      modules: { net: [{ dir: 'modules/vpc', via: 'module source ../../modules/vpc' }] },
      changes: { '': [
        { path: 'modules/vpc/main.tf', status: 'modified' },
        { path: 'shared/zones/a.json', status: 'added' },
      ] },
    });
    expect(Object.fromEntries(result.affected)).toEqual({
      net: 'modules/vpc/main.tf changed (module source ../../modules/vpc)',
      dns: 'shared/zones/a.json added (watch shared/**/*.json)',
    });
  });

  it('reads manifest edits on resolved inputs: vars, context files, env, declared variables, repo, deletion', () => {
    const previous = manifest(
      [stack('a'), stack('b', { labels: ['prod'] }), stack('c', { env: { R: '${{ vars.region }}' } }),
        stack('d', { contexts: ['tags'] }), stack('e', { repo: 'platform' }), stack('gone'), stack('same')],
      {
        variables: { region: 'eu-west-1', other: 1 },
        contexts: { prod: context('prod', { attachTo: { labels: ['prod'] } }), tags: context('tags', { vars: { t: '${{vars.other}}' } }) },
        repos: { platform: { name: 'platform', url: '../p' } },
      },
    );
    const current = manifest(
      [stack('a', { vars: { x: 1 } }), stack('b', { labels: ['prod'] }), stack('c', { env: { R: '${{ vars.region }}' } }),
        stack('d', { contexts: ['tags'] }), stack('e', { repo: 'platform' }), stack('new'), stack('same')],
      {
        variables: { region: 'eu-west-2', other: 2 },
        contexts: { prod: context('prod', { attachTo: { labels: ['prod'] }, files: { 'a.tfvars': 'x' } }), tags: context('tags', { vars: { t: '${{vars.other}}' } }) },
        repos: { platform: { name: 'platform', url: '../p', ref: 'v2' } },
      },
    );
    // a declares x and d declares t; nobody declares region or other.
    const declared = (name: string) => new Set(name === 'a' ? ['x'] : name === 'd' ? ['t'] : []);
    const result = selectAffectedStacks({
      ...base, manifest: current, previousManifest: previous, declaredVariables: declared,
      changes: { '': [{ path: 'stacks.yaml', status: 'modified' }] },
    });
    expect(Object.fromEntries(result.affected)).toEqual({
      a: 'variable x: (unset) -> 1 (via TF_VAR_x)',
      new: 'stack added in stacks.yaml',
      b: 'file a.tfvars: (unset) -> x',
      c: 'env R: eu-west-1 -> eu-west-2',
      d: 'variable t: 1 -> 2 (via TF_VAR_t)',
      e: 'repo platform ref: (unset) -> v2',
    });
    expect(result.deleted).toEqual(['gone']);

    // Unknown declarations: every variable that reaches a stack counts.
    const unknown = selectAffectedStacks({ ...base, manifest: current, previousManifest: previous, changes: {} });
    expect(unknown.affected.get('same')).toBe('variable other: 1 -> 2 (via TF_VAR_other) (and 1 more)');
  });

  it('counts what a stack really gets: a context override hides a variable edit, a nested read counts', () => {
    const shared = { contexts: { prod: context('prod', { attachTo: { labels: ['prod'] }, vars: { environment: 'prod' } }) } };
    const stacks = [
      stack('prodcmd', { runner: 'command', labels: ['prod'] }),
      stack('devcmd', { runner: 'command' }),
      stack('team', { env: { TEAM: '${{ vars.tags.team }}' } }),
    ];
    const previous = manifest(stacks, { ...shared, variables: { environment: 'dev', tags: { team: 'core', cost: 1 } } });
    const current = manifest(stacks, { ...shared, variables: { environment: 'staging', tags: { team: 'platform', cost: 1 } } });
    const result = selectAffectedStacks({
      ...base, manifest: current, previousManifest: previous, declaredVariables: () => new Set(), changes: {},
    });
    expect(Object.fromEntries(result.affected)).toEqual({
      devcmd: 'variable environment: dev -> staging (via environment) (and 1 more)',
      // prod wins for environment: only tags reached this command stack changed.
      prodcmd: 'variable tags: {"team":"core","cost":1} -> {"team":"platform","cost":1} (via tags)',
      team: 'env TEAM: core -> platform',
    });
  });

  it('compares a variable that moves to an env entry of the name it reaches the stack under as that env entry', () => {
    const stacks = (size: string, tfSize: string) => [
      stack('cmd', { runner: 'command', env: { size } }),
      stack('tf', { env: { TF_VAR_size: tfSize } }),
    ];
    const previous = manifest([stack('cmd', { runner: 'command' }), stack('tf')], { variables: { size: 2 } });
    const current = (size: string, tfSize: string) => manifest(stacks(size, tfSize), { variables: { size: 2 } });
    const select = (next: Manifest) => Object.fromEntries(selectAffectedStacks({
      ...base, manifest: next, previousManifest: previous, declaredVariables: () => new Set(['size']), changes: {},
    }).affected);
    // A number reaches the environment as its JSON text.
    expect(select(current('2', '${{ vars.size }}'))).toEqual({});
    // ...and the other way round: the env entry is gone, the variable shows through again.
    expect(Object.fromEntries(selectAffectedStacks({
      ...base, manifest: previous, previousManifest: current('2', '2'), declaredVariables: () => new Set(['size']), changes: {},
    }).affected)).toEqual({});
    // With another text it is one change, of the environment variable the stack sees.
    expect(select(current('3', '2.0'))).toEqual({ cmd: 'env size: 2 -> 3', tf: 'env TF_VAR_size: 2 -> 2.0' });
  });

  it('treats every stack as affected when the base manifest is unreadable', () => {
    const result = selectAffectedStacks({
      ...base, manifest: manifest([stack('a'), stack('b')]),
      changes: { '': [{ path: 'stacks.yaml', status: 'modified' }] },
    });
    expect([...result.affected.keys()].sort()).toEqual(['a', 'b']);
  });
});

describe('selectAffectedDependents and explainAffected', () => {
  it('builds the --why chain through dependents', () => {
    const upstreams: Record<string, string[]> = { app: ['network'], smoke: ['app'], network: [], other: [] };
    const all = selectAffectedDependents(
      new Map([['network', 'modules/vpc/main.tf changed']]), Object.keys(upstreams), (name) => upstreams[name] ?? [],
    );
    expect([...all.keys()]).toEqual(['network', 'app', 'smoke']);
    expect(explainAffected('smoke', all)).toBe(
      'smoke: depends on app; app: depends on network; network: modules/vpc/main.tf changed',
    );
  });
});
