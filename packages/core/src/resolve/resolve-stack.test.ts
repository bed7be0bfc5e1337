import { describe, expect, it } from 'vitest';
import type { ContextSpec, Manifest, StackSpec } from '../model.js';
import { assertInputsApplicable, collectMockedInputs } from './upstream-inputs.js';
import { resolveStack } from './resolve-stack.js';

function stack(name: string, spec: Partial<StackSpec> = {}): StackSpec {
  return {
    name,
    path: `stacks/${name}`,
    runner: 'terraform',
    labels: [],
    contexts: [],
    vars: {},
    env: {},
    secrets: {},
    files: {},
    hooks: {},
    watch: [],
    dependsOn: [],
    after: [],
    commands: {},
    retries: { attempts: 1, on: [], backoffMs: 1000 },
    ...spec,
  };
}

function context(name: string, spec: Partial<ContextSpec> = {}): ContextSpec {
  return { name, priority: 100, env: {}, vars: {}, secrets: {}, files: {}, hooks: {}, ...spec };
}

function manifest(stacks: StackSpec[], contexts: ContextSpec[] = [], variables: Record<string, unknown> = {}): Manifest {
  return {
    version: 1,
    source: 'stacks.yaml',
    repos: { platform: { name: 'platform', url: '../platform' } },
    settings: { stateDir: '.stackfleet', limits: {} },
    variables,
    contexts: Object.fromEntries(contexts.map((item) => [item.name, item])),
    stacks: Object.fromEntries(stacks.map((item) => [item.name, item])),
    policies: [], teams: {},
  };
}

const network = stack('network', { repo: 'platform', labels: ['prod'] });

describe('resolveStack', () => {
  it('layers variables < auto contexts (by priority, then name) < listed contexts < the stack', () => {
    const app = stack('app', {
      labels: ['prod'],
      contexts: ['team', 'listed-last'],
      vars: { owner: 'stack', subnet: '${{ stacks.network.outputs.subnet_id }}' },
      env: { STACK_ONLY: 'x', SHARED: 'stack' },
      dependsOn: [{ stack: 'network', outputs: { vpc_id: 'TF_VAR_vpc_id' } }],
      hooks: { beforePlan: ['echo stack'] },
    });
    const loaded = manifest(
      [network, app],
      [
        context('everywhere', { attachTo: { labels: ['*'] }, priority: 50, env: { SHARED: 'everywhere', ZONE: 'a' }, vars: { tier: 'low' } }),
        context('aws-prod', {
          attachTo: { labels: ['prod'] },
          priority: 10,
          env: { AWS_REGION: '${{ vars.region }}', ZONE: 'b' },
          vars: { tier: 'prod' },
          secrets: { DB_PASSWORD: { fromEnv: 'PROD_DB_PASSWORD' } },
          files: { 'backend.auto.tfvars': 'bucket = "${{ stack.name }}-state"\n' },
          hooks: { beforePlan: ['tflint'] },
        }),
        context('team', { env: { SHARED: 'team', ZONE: 'team' }, vars: { owner: 'team' } }),
        context('listed-last', { env: { ZONE: 'listed-last' } }),
      ],
      { region: 'eu-west-1', owner: 'variables' },
    );
    const resolved = resolveStack(loaded, 'app', {
      manifestDir: '/fleet',
      repoDirs: { platform: '/repos/platform' },
      env: {},
      outputs: (name) => (name === 'network' ? { vpc_id: 'vpc-123', subnet_id: 'subnet-9' } : undefined),
    });
    expect(resolved).toMatchInlineSnapshot(`
      {
        "commands": {},
        "dir": "/fleet/stacks/app",
        "env": {
          "AWS_REGION": "eu-west-1",
          "SHARED": "stack",
          "STACK_ONLY": "x",
          "TF_VAR_owner": "stack",
          "TF_VAR_region": "eu-west-1",
          "TF_VAR_subnet": "subnet-9",
          "TF_VAR_tier": "prod",
          "TF_VAR_vpc_id": "vpc-123",
          "ZONE": "listed-last",
        },
        "files": {
          "backend.auto.tfvars": "bucket = "app-state"
      ",
        },
        "hookEnv": {},
        "hooks": {
          "beforePlan": [
            "tflint",
            "echo stack",
          ],
        },
        "labels": [
          "prod",
        ],
        "name": "app",
        "provenance": {
          "env.AWS_REGION": "context aws-prod",
          "env.SHARED": "stack",
          "env.STACK_ONLY": "stack",
          "env.TF_VAR_owner": "stack",
          "env.TF_VAR_region": "variables",
          "env.TF_VAR_subnet": "stack",
          "env.TF_VAR_tier": "context aws-prod",
          "env.TF_VAR_vpc_id": "output of network",
          "env.ZONE": "context listed-last",
          "files.backend.auto.tfvars": "context aws-prod",
          "hooks.beforePlan": "context aws-prod, stack",
          "secrets.DB_PASSWORD": "context aws-prod",
          "vars.owner": "stack",
          "vars.region": "variables",
          "vars.subnet": "stack",
          "vars.tier": "context aws-prod",
        },
        "retries": {
          "attempts": 1,
          "backoffMs": 1000,
          "on": [],
        },
        "runner": "terraform",
        "secrets": {
          "DB_PASSWORD": {
            "fromEnv": "PROD_DB_PASSWORD",
          },
        },
      }
    `);
  });

  it('puts stacks of a repo under its checkout and exports command-stack vars as-is', () => {
    const loaded = manifest([stack('network', { repo: 'platform', runner: 'command', vars: { cidr: '10.0.0.0/16', ports: [80, 443] } })]);
    const resolved = resolveStack(loaded, 'network', {
      manifestDir: '/fleet',
      repoDirs: { platform: '/repos/platform' },
      env: {},
      outputs: () => undefined,
    });
    expect(resolved.dir).toBe('/repos/platform/stacks/network');
    expect(resolved.env).toEqual({ cidr: '10.0.0.0/16', ports: '[80,443]' });
  });

  it('serves mocks while the upstream has never been applied, and records it', () => {
    const app = stack('app', {
      dependsOn: [{ stack: 'network', outputs: { vpc_id: 'TF_VAR_vpc_id' }, mock: { vpc_id: 'vpc-00000000', subnet_id: 'subnet-0' } }],
      vars: { subnet: '${{ stacks.network.outputs.subnet_id }}' },
    });
    const loaded = manifest([network, app]);
    const resolved = resolveStack(loaded, 'app', { manifestDir: '/fleet', repoDirs: {}, env: {}, outputs: () => undefined });
    expect(resolved.env).toMatchObject({ TF_VAR_vpc_id: 'vpc-00000000', TF_VAR_subnet: 'subnet-0' });
    expect(resolved.provenance['env.TF_VAR_vpc_id']).toBe('mock of network');

    expect(collectMockedInputs(loaded, 'app', () => undefined).map((input) => `${input.upstream}.${input.output} -> ${input.target}`)).toEqual([
      'network.vpc_id -> TF_VAR_vpc_id',
      'network.subnet_id -> template',
    ]);
    expect(() => assertInputsApplicable(loaded, 'app', () => undefined)).toThrowErrorMatchingInlineSnapshot(
      `[StackfleetError: stack app: input vpc_id from network is a mock (network has never been applied); apply network first]`,
    );
    // Once network has real outputs, mocks are never used again.
    expect(collectMockedInputs(loaded, 'app', () => ({ vpc_id: 'vpc-1', subnet_id: 's' }))).toEqual([]);
    expect(() => assertInputsApplicable(loaded, 'app', () => ({ vpc_id: 'vpc-1', subnet_id: 's' }))).not.toThrow();
  });

  it('refuses to apply when an upstream output exists nowhere', () => {
    const loaded = manifest([network, stack('app', { dependsOn: [{ stack: 'network', outputs: { vpc_id: 'VPC' } }] })]);
    expect(() => assertInputsApplicable(loaded, 'app', () => ({ other: 1 }))).toThrow(
      'stack app: input vpc_id from network is missing (network has no output "vpc_id")',
    );
  });

  it('lets a listed context beat an auto-attached one even with a better priority', () => {
    const loaded = manifest(
      [stack('app', { labels: ['prod'], contexts: ['low'] })],
      [context('auto', { attachTo: { labels: ['prod'] }, priority: 1, env: { X: 'auto' } }), context('low', { priority: 500, env: { X: 'listed' } })],
    );
    const resolved = resolveStack(loaded, 'app', { manifestDir: '/f', repoDirs: {}, env: {}, outputs: () => undefined });
    expect(resolved.env.X).toBe('listed');
  });

  it('breaks priority ties between auto-attached contexts by name: the first name wins', () => {
    const loaded = manifest(
      [stack('app', { labels: ['prod'] })],
      [context('b', { attachTo: { labels: ['*'] }, env: { X: 'b' } }), context('a', { attachTo: { labels: ['prod'] }, env: { X: 'a' } })],
    );
    const resolved = resolveStack(loaded, 'app', { manifestDir: '/f', repoDirs: {}, env: {}, outputs: () => undefined });
    expect(resolved.env.X).toBe('a');
  });
});

describe('resolveStack: every template sees the variables after precedence (issue #11.2, #16.4)', () => {
  const resolve = (loaded: Manifest, name: string) =>
    resolveStack(loaded, name, { manifestDir: '/f', repoDirs: {}, env: { HOME: '/h' }, outputs: () => undefined });

  it('gives vars and env the same value: a context override wins in both keys', () => {
    const loaded = manifest(
      [stack('app', { labels: ['prod'], runner: 'command', vars: { zone: '${{ vars.environment }}.example' }, env: { ZONE_ENV: '${{ vars.environment }}.example' } })],
      [context('prod', { attachTo: { labels: ['prod'] }, vars: { environment: 'prod' } })],
      { environment: 'staging' },
    );
    const resolved = resolve(loaded, 'app');
    expect(resolved.env.zone).toBe('prod.example');
    expect(resolved.env.ZONE_ENV).toBe('prod.example');
  });

  it('resolves chains across layers, keeping the type of a whole-string reference', () => {
    const loaded = manifest(
      [stack('app', { runner: 'command', vars: { c: '${{ env.HOME }}/x', list: '${{ vars.ids }}' } })],
      [],
      { a: '${{ vars.b }}!', b: '${{ vars.c }}', ids: [1, 2] },
    );
    expect(resolve(loaded, 'app').env).toMatchObject({ a: '/h/x!', b: '/h/x', c: '/h/x', list: '[1,2]' });
  });

  it('throws E_VARIABLE_CYCLE instead of delivering template text', () => {
    const loaded = manifest([stack('app')], [], { a: '${{ vars.b }}', b: '${{ vars.a }}' });
    expect(() => resolve(loaded, 'app')).toThrow('variable cycle: a -> b -> a');
  });
});
