import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PolicyCommandRequest } from '@stackfleet/core';
import { evaluatePolicy } from '../evaluate/evaluate-policy.js';
import { parsePolicyFile } from '../parse/parse-policy-file.js';
import { buildAccessPolicyInput, buildRunPolicyInput, buildStackPolicyInput, describeStack } from './build-policy-input.js';
import { POLICY_INPUT_JSON_SCHEMA } from './input-schema.js';
import { buildRunInfo, needsGitEmail } from './build-run-info.js';
import { redactValue } from './sanitize-terraform-plan.js';
import type { PolicyRunInfo } from './types.js';

const run: PolicyRunInfo = {
  id: 'r1',
  command: 'apply',
  type: 'tracked',
  actor: { login: 'alice', name: 'Alice', source: 'STACKFLEET_ACTOR', teams: [] },
  branch: 'main',
  commit: 'abc',
};
const stack = describeStack({ name: 'db', labels: ['prod'], path: 'stacks/db', runner: 'terraform' });

/** A plan as `terraform show -json` prints it (trimmed to what matters). */
const show = {
  format_version: '1.2',
  planned_values: { root_module: { resources: [{ values: { input: 'hunter2-secret' } }] } },
  resource_changes: [
    { address: 'terraform_data.keep', type: 'terraform_data', name: 'keep', change: { actions: ['no-op'], before: {}, after: {} } },
    {
      address: 'terraform_data.db',
      type: 'terraform_data',
      name: 'db',
      change: {
        actions: ['delete', 'create'],
        before: { input: { password: 'old-pass', tier: 'db' } },
        after: { input: { password: 'new-pass', tier: 'db' }, note: 'uses hunter2-secret inside' },
        before_sensitive: { input: { password: true } },
        after_sensitive: { input: { password: true } },
      },
    },
    { address: 'terraform_data.web', type: 'terraform_data', name: 'web', change: { actions: ['update'], before: { input: 'a' }, after: { input: 'b' } } },
    { address: 'terraform_data.new', type: 'terraform_data', name: 'new', change: { actions: ['create'], before: null, after: { input: 'x' } } },
    { address: 'terraform_data.old', type: 'terraform_data', name: 'old', change: { actions: ['delete'], before: { input: 'y' }, after: null } },
    { address: 'data.x.y', mode: 'data', type: 'x', name: 'y', change: { actions: ['read'], before: null, after: {} } },
  ],
  output_changes: {
    same: { actions: ['no-op'], before: 1, after: 1 },
    token: { actions: ['update'], before: 'tok-1', after: 'tok-2', sensitive: true },
    url: { actions: ['create'], before: null, after: 'https://upstream-token-value@host' },
  },
};

describe('buildStackPolicyInput', () => {
  const input = buildStackPolicyInput({ run, stack, plan: { runner: 'terraform', show }, secrets: ['hunter2-secret', { nested: ['upstream-token-value'] }] });
  const text = JSON.stringify(input);

  it('keeps only resource_changes and output_changes, drops no-ops, counts like terraform', () => {
    expect(input.terraform!.resource_changes.map((resource) => resource['address'])).toEqual([
      'terraform_data.db',
      'terraform_data.web',
      'terraform_data.new',
      'terraform_data.old',
      'data.x.y',
    ]);
    expect(Object.keys(input.terraform!.output_changes)).toEqual(['token', 'url']);
    expect(input.changes).toEqual({ add: 2, change: 1, destroy: 2, replace: 1, total: 4, known: true });
    expect(text).not.toContain('planned_values');
  });

  it('replaces sensitive values and strings containing secrets by a stable hash, and nothing else', () => {
    for (const secret of ['old-pass', 'new-pass', 'hunter2-secret', 'tok-1', 'tok-2', 'upstream-token-value']) expect(text).not.toContain(secret);
    const db = input.terraform!.resource_changes[0]!['change'] as { before: { input: Record<string, unknown> }; after: Record<string, unknown> };
    expect(db.before.input).toEqual({ password: redactValue('old-pass'), tier: 'db' });
    expect(db.after['note']).toMatch(/^<sensitive:[0-9a-f]{12}>$/);
    expect(input.terraform!.output_changes['token']).toMatchObject({ before: redactValue('tok-1'), after: redactValue('tok-2') });
    expect(redactValue('old-pass')).not.toBe(redactValue('new-pass'));
  });

  it('gives command stacks unknown counts and no input.terraform', () => {
    const command = describeStack({ name: 'dns', labels: [], path: 'dns', runner: 'command' });
    expect(buildStackPolicyInput({ run, stack: command, plan: { runner: 'command', exitCode: 2 }, secrets: [] })).toEqual({
      run,
      stack: { name: 'dns', labels: [], repo: null, path: 'dns', runner: 'command' },
      changes: { add: 0, change: 0, destroy: 0, replace: 0, total: 1, known: false },
      approvals: [],
    });
    expect(buildStackPolicyInput({ run, stack: command, plan: { runner: 'command', exitCode: 0 }, secrets: [] }).changes.total).toBe(0);
  });
});

describe('a terraform map key named __proto__', () => {
  const tagged = JSON.parse(
    '{"resource_changes": [{"address": "terraform_data.t", "type": "terraform_data", "change": {"actions": ["create"], "before": null, "after": {"input": {"__proto__": "owner", "team": "a"}}}}], "output_changes": {}}',
  ) as unknown;
  const input = buildStackPolicyInput({ run, stack, plan: { runner: 'terraform', show: tagged }, secrets: [] });
  const policyOf = (text: string) => parsePolicyFile(text, { source: 'p.policy.yaml', dir: '/tmp' }).policy!;

  it('reaches CEL policies as an ordinary key', async () => {
    const policy = policyOf(`kind: plan
rules:
  - name: tagged
    effect: warn
    when: input.terraform.resource_changes.exists(r, "__proto__" in r.change.after.input && r.change.after.input["__proto__"] == "owner")
    message: string(size(input.terraform.resource_changes[0].change.after.input))
`);
    expect(await evaluatePolicy(policy, input)).toEqual([{ policy: 'p', rule: 'tagged', effect: 'warn', message: '2' }]);
  });

  it("reaches an exec policy's stdin", async () => {
    const policy = policyOf('kind: plan\nengine: exec\ncommand: "true"\n');
    const requests: PolicyCommandRequest[] = [];
    const runCommand = async (request: PolicyCommandRequest) => {
      requests.push(request);
      return { exitCode: 0, stdout: '{}', stderr: '', timedOut: false };
    };
    expect(await evaluatePolicy(policy, input, { runCommand })).toEqual([]);
    expect(requests[0]!.stdin).toContain('"input":{"__proto__":"owner","team":"a"}');
  });
});

describe('the input JSON Schema', () => {
  it('matches the checked-in schema/policy-input.schema.json', () => {
    const file = fileURLToPath(new URL('../../../../schema/policy-input.schema.json', import.meta.url));
    expect(readFileSync(file, 'utf8') === `${JSON.stringify(POLICY_INPUT_JSON_SCHEMA, null, 2)}\n`, 'stale: run `npm run build && npm run schema`').toBe(true);
  });

  it('accepts every document the builders make (plan, run, access) and rejects a broken one', () => {
    const plan = buildStackPolicyInput({ run, stack, plan: { runner: 'terraform', show }, secrets: [], approvals: [{ by: 'bob', at: '2026-01-01T00:00:00Z', teams: [] }] });
    const runInput = buildRunPolicyInput({ run, stacks: [{ stack, plan: { runner: 'terraform', show } }], secrets: [] });
    const access = buildAccessPolicyInput(run, [stack]);
    for (const document of [plan, runInput, access]) expect(validate(POLICY_INPUT_JSON_SCHEMA, document)).toEqual([]);
    expect(validate(POLICY_INPUT_JSON_SCHEMA, { ...plan, stack: { ...stack, runner: 'make' } })).toEqual(['stack.runner']);
  });
});

/** Just enough JSON Schema (type, required, enum, properties, items) to check our own documents. */
function validate(schema: unknown, value: unknown, path = ''): string[] {
  const node = schema as { type?: string | string[]; required?: string[]; enum?: unknown[]; properties?: Record<string, unknown>; items?: unknown; additionalProperties?: unknown };
  const errors: string[] = [];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v);
  if (node.type !== undefined && ![node.type].flat().includes(typeOf(value))) return [path];
  if (node.enum !== undefined && !node.enum.includes(value)) return [path];
  const at = (key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of node.required ?? []) if (!(key in record)) errors.push(at(key));
    for (const [key, item] of Object.entries(record)) {
      const sub = node.properties?.[key] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      if (sub !== undefined) errors.push(...validate(sub, item, at(key)));
    }
  }
  if (Array.isArray(value) && node.items !== undefined) value.forEach((item, index) => errors.push(...validate(node.items, item, at(index))));
  return errors;
}

describe('buildRunInfo', () => {
  const base = { id: 'r', userAtHost: 'me@box', teams: { platform: ['alice', 'bob'], dba: ['carol'] } };
  it('takes the actor from STACKFLEET_ACTOR, then CI variables, then git, then user@host, with teams', () => {
    const actor = (env: Record<string, string>, gitEmail?: string) => buildRunInfo({ ...base, command: 'plan', env, gitEmail }).actor;
    expect(actor({ STACKFLEET_ACTOR: 'alice', GITHUB_ACTOR: 'x' })).toEqual({ login: 'alice', name: 'alice', source: 'STACKFLEET_ACTOR', teams: ['platform'] });
    expect(actor({ GITHUB_ACTOR: 'carol' }, 'c@x')).toMatchObject({ login: 'carol', source: 'GITHUB_ACTOR', teams: ['dba'] });
    expect(actor({ GITLAB_USER_LOGIN: 'gl', GITLAB_USER_NAME: 'G L' })).toMatchObject({ login: 'gl', name: 'G L', source: 'GITLAB_USER_LOGIN', teams: [] });
    expect(actor({}, 'dev@example.com')).toMatchObject({ login: 'dev@example.com', source: 'git' });
    expect(actor({ STACKFLEET_ACTOR: ' ' })).toMatchObject({ login: 'me@box', source: 'user@host' });
  });

  it('asks git for the email only when no environment variable names the actor', () => {
    expect([{}, { STACKFLEET_ACTOR: ' ' }, { GITLAB_USER_NAME: 'G L' }].map(needsGitEmail)).toEqual([true, true, true]);
    expect([{ STACKFLEET_ACTOR: 'a' }, { GITHUB_ACTOR: 'b' }, { GITLAB_USER_LOGIN: 'c' }].map(needsGitEmail)).toEqual([false, false, false]);
  });

  it('types the run by its command unless told', () => {
    const type = (command: 'plan' | 'apply' | 'destroy' | 'drift', given?: 'local') => buildRunInfo({ ...base, env: {}, command, type: given }).type;
    expect([type('plan'), type('apply'), type('destroy'), type('drift'), type('apply', 'local')]).toEqual(['proposed', 'tracked', 'tracked', 'drift', 'local']);
  });
});
