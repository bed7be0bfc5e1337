import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStackPolicyInput, evaluatePolicy, parsePolicyFile, type Policy } from '@stackfleet/policy';
import { runPolicyCommand } from '@stackfleet/runner';
import { makeTempDir, runStackfleet, testEnv } from '../support/cli.js';

/** The policy command's stdin, as far as these tests read it. */
interface SeenInput {
  params: unknown;
  changes: { total: number };
  terraform: { resource_changes: { name: string; change: { before: { id: string; input: unknown } } }[] };
}

const SECRET = 'pw-e2e-7f3a91';
const UPSTREAM_SECRET = 'upstream-token-55c2';

/** v1 is applied; v2 then plans one create, one update, one delete, one replace and one no-op. */
const V1 = `variable "password" {
  type      = string
  sensitive = true
}
variable "note" {
  type = string
}
resource "terraform_data" "keep" {
  input = "same"
}
resource "terraform_data" "web" {
  input = { tier = "app", size = "small" }
}
resource "terraform_data" "old" {
  input = { tier = "core" }
}
resource "terraform_data" "db" {
  input            = { tier = "data", password = var.password }
  triggers_replace = "v1"
}
resource "terraform_data" "notes" {
  input = var.note
}
`;
const V2 = V1.replace('size = "small"', 'size = "large"')
  .replace(/resource "terraform_data" "old" \{\n.*\n\}\n/, '')
  .replace('triggers_replace = "v1"', 'triggers_replace = "v2"')
  .replace('input = var.note', 'input = "${var.note}!"')
  .concat('resource "terraform_data" "new" {\n  input = { tier = "app" }\n}\n');

const COUNT_POLICY = `kind: plan
rules:
  - name: counts
    effect: warn
    when: "true"
    message: >-
      "add=" + string(int(input.changes.add)) + " change=" + string(int(input.changes.change))
      + " destroy=" + string(int(input.changes.destroy)) + " replace=" + string(int(input.changes.replace))
      + " total=" + string(int(input.changes.total))
  - name: actions
    effect: warn
    when: "true"
    message: 'input.terraform.resource_changes.map(r, r.name + ":" + r.change.actions.join("+")).join(" ")'
  - name: no-deletes
    effect: deny
    when: input.terraform.resource_changes.exists(r, "delete" in r.change.actions && !("create" in r.change.actions))
    message: '"deletes " + input.terraform.resource_changes.filter(r, r.change.actions == ["delete"]).map(r, r.address).join(", ")'
`;

describe('policies over real terraform plans', () => {
  let dir: string;
  let cleanup: () => void;
  const env = testEnv({ TF_VAR_password: SECRET, TF_VAR_note: `token=${UPSTREAM_SECRET}` });
  const terraform = (...args: string[]) => {
    const result = spawnSync('terraform', args, { cwd: join(dir, 'stack'), env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`terraform ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-'));
    mkdirSync(join(dir, 'stack'));
    writeFileSync(join(dir, 'stack', 'main.tf'), V1);
    terraform('init', '-input=false');
    terraform('apply', '-auto-approve', '-input=false');
    writeFileSync(join(dir, 'stack', 'main.tf'), V2);
    terraform('plan', '-input=false', '-out=change.tfplan');
    writeFileSync(join(dir, 'plan.json'), terraform('show', '-json', 'change.tfplan'));
    writeFileSync(join(dir, 'counts.policy.yaml'), COUNT_POLICY);
  }, 120_000);
  afterAll(() => cleanup());

  it('sees create, update, delete and replace (no-ops dropped) and counts them like terraform', () => {
    const result = runStackfleet(['policy', 'eval', 'counts.policy.yaml', '--plan', 'plan.json', '--json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(3);
    const { verdict, decisions } = JSON.parse(result.stdout) as { verdict: string; decisions: { message: string }[] };
    expect(verdict).toBe('deny');
    expect(decisions.map((decision: { message: string }) => decision.message)).toEqual([
      'add=2 change=2 destroy=2 replace=1 total=5',
      'db:delete+create new:create notes:update old:delete web:update',
      'deletes terraform_data.old',
    ]);
  });

  it('runs the shipped blast-radius policy over the same plan', () => {
    const result = runStackfleet(['policy', 'eval', join(__dirname, '../../policies/blast-radius.policy.yaml'), '--plan', 'plan.json'], { cwd: dir });
    // (1+10)x10 db + 1x1 new + 5x1 notes + 10x5 old + 5x1 web = 171.
    expect(result.stdout).toContain('require_approval blast-radius: blast radius 171 > 49');
    expect(result.stdout).toContain('warn replacements: 1 resource(s) will be replaced');
    expect(result.code).toBe(3);
  });

  it('never hands a secret, a sensitive value or a secret-bearing string to an exec policy', async () => {
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    // The raw plan carries them (the point of sanitizing it).
    expect(JSON.stringify(plan)).toContain(SECRET);
    expect(JSON.stringify(plan)).toContain(UPSTREAM_SECRET);
    const script = join(dir, 'record.sh');
    writeFileSync(script, '#!/bin/sh\ncat > stdin.json\nenv > env.txt\necho \'{"warn": ["recorded"]}\'\n');
    chmodSync(script, 0o755);
    const policy = parsePolicyFile('kind: plan\nengine: exec\ncommand: ./record.sh\nparams: { limit: 3 }\n', { source: 'record.policy.yaml', dir }).policy as Policy;
    const input = buildStackPolicyInput({
      run: { id: 'r1', command: 'apply', type: 'tracked', actor: { login: 'ci', name: 'ci', source: 'test', teams: [] }, branch: null, commit: null },
      stack: { name: 'stack', labels: [], repo: null, path: 'stack', runner: 'terraform' },
      plan: { runner: 'terraform', show: plan },
      // A context secret and a sensitive upstream output, as the run will pass them.
      secrets: [SECRET, { token: UPSTREAM_SECRET }],
    });
    const decisions = await evaluatePolicy(policy, input, { runCommand: runPolicyCommand, env: { ...env, STACKFLEET_RUN_ID: 'r1' } });
    expect(decisions).toEqual([{ policy: 'record', rule: 'exec', effect: 'warn', message: 'recorded' }]);
    const stdin = readFileSync(join(dir, 'stdin.json'), 'utf8');
    const seenEnv = readFileSync(join(dir, 'env.txt'), 'utf8');
    for (const secret of [SECRET, UPSTREAM_SECRET]) {
      expect(stdin).not.toContain(secret);
      expect(seenEnv).not.toContain(secret);
    }
    expect(seenEnv).toContain('STACKFLEET_RUN_ID=r1');
    expect(seenEnv).not.toContain('TF_VAR_');
    const seen = JSON.parse(stdin) as SeenInput;
    expect(seen.params).toEqual({ limit: 3 });
    expect(seen.changes.total).toBe(5);
    const db = seen.terraform.resource_changes.find((r: { name: string }) => r.name === 'db');
    expect((db?.change.before.input as { password: string }).password).toMatch(/^<sensitive:[0-9a-f]{12}>$/);
    const notes = seen.terraform.resource_changes.find((r: { name: string }) => r.name === 'notes');
    expect(notes?.change.before.input).toMatch(/^<sensitive:[0-9a-f]{12}>$/);
    expect(notes?.change.before.id).not.toMatch(/sensitive/);
  });
});

/** A context secret in a map key and a for_each key, and one in a `type = number` variable (issue #13). */
const KEYED_MANIFEST = `version: 1
contexts:
  prod:
    attachTo: { labels: [prod] }
    secrets:
      TF_VAR_x: { fromEnv: E2E_KEY_SECRET }
      TF_VAR_pin: { fromEnv: E2E_PIN }
stacks:
  app: { path: app, labels: [prod] }
policies:
  - file: record.policy.yaml
`;
const KEYED_MAIN = `variable "x" {
  type = string
}
variable "pin" {
  type = number
}
resource "terraform_data" "d" {
  input = { "k-\${var.x}" = "pre-\${var.x}-post" }
}
resource "terraform_data" "each" {
  for_each = toset(["e-\${var.x}"])
  input    = each.key
}
resource "terraform_data" "pin" {
  input = { pin = var.pin, scaled = var.pin * 1000 }
}
resource "terraform_data" "tagged" {
  input = { "__proto__" = "owner", team = "a" }
}
`;

describe('secrets outside strings in a real run: map keys, for_each keys, numbers', () => {
  const keySecret = 'S3cr3tValue-XYZ';
  const pin = '987654321';
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-keys-'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'stacks.yaml'), KEYED_MANIFEST);
    writeFileSync(join(dir, 'app', 'main.tf'), KEYED_MAIN);
    writeFileSync(join(dir, 'record.policy.yaml'), 'kind: plan\nengine: exec\ncommand: cat > "$STACKFLEET_E2E_OUT/stdin.json" && echo "{}"\n');
  });
  afterAll(() => cleanup());

  it('hands an exec policy neither the secret key nor the secret number, in any form', () => {
    const result = runStackfleet(['plan', '--json'], { cwd: dir, env: { E2E_KEY_SECRET: keySecret, E2E_PIN: pin, STACKFLEET_E2E_OUT: dir } });
    expect(result.code, result.stderr).toBe(0);
    const stdin = readFileSync(join(dir, 'stdin.json'), 'utf8');
    expect(stdin).not.toContain(keySecret);
    expect(stdin).not.toContain(pin);
    const seen = JSON.parse(stdin) as { terraform: { resource_changes: { address: string; type: string; index?: unknown; change: { after: { input: unknown } } }[] } };
    const changes = seen.terraform.resource_changes;
    // Four resources planned; the for_each one's address and key are hidden, the others' are not.
    expect(changes.map((change) => change.address).sort()).toEqual([
      expect.stringMatching(/^<sensitive:[0-9a-f]{12}>$/),
      'terraform_data.d',
      'terraform_data.pin',
      'terraform_data.tagged',
    ]);
    const each = changes.find((change) => change.address.startsWith('<sensitive:'));
    expect([each?.type, each?.index, each?.change.after.input]).toEqual(['terraform_data', expect.stringMatching(/^<sensitive:/), expect.stringMatching(/^<sensitive:/)]);
    const keyed = changes.find((change) => change.address === 'terraform_data.d')?.change.after.input as Record<string, unknown>;
    expect(Object.entries(keyed)).toEqual([[expect.stringMatching(/^<sensitive:[0-9a-f]{12}>$/), expect.stringMatching(/^<sensitive:[0-9a-f]{12}>$/)]]);
    expect(changes.find((change) => change.address === 'terraform_data.pin')?.change.after.input).toEqual({
      pin: expect.stringMatching(/^<sensitive:/),
      scaled: expect.stringMatching(/^<sensitive:/),
    });
    // A map key named __proto__ is an ordinary key on the way to the policy, not a prototype to drop.
    expect(stdin).toContain('"input":{"__proto__":"owner","team":"a"}');
  });
});

describe('policy commands', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-cmd-'));
    mkdirSync(join(dir, 'stacks', 'app'), { recursive: true });
    mkdirSync(join(dir, 'policies'));
  });
  afterAll(() => cleanup());

  it('validate checks policy files and fails with file:line:col for a CEL error inside a folded scalar', () => {
    writeFileSync(join(dir, 'stacks.yaml'), 'version: 1\nstacks:\n  app: { path: stacks/app, runner: command, commands: { apply: "true" } }\npolicies:\n  - file: policies/guard.policy.yaml\n    stacks: "app*"\n');
    writeFileSync(join(dir, 'policies', 'guard.policy.yaml'), 'kind: plan\nrules:\n  - name: big\n    effect: deny\n    when: >-\n      input.changes.total >\n        + 3.0\n    message: \'"too big"\'\n');
    const bad = runStackfleet(['validate'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr + bad.stdout).toContain('policies/guard.policy.yaml:7:9 rules[0].when: invalid CEL: Unexpected token: PLUS');
    writeFileSync(join(dir, 'policies', 'guard.policy.yaml'), 'kind: plan\nrules:\n  - name: big\n    effect: deny\n    when: >-\n      input.changes.total >\n        3.0\n    message: \'"too big"\'\n');
    writeFileSync(join(dir, 'stacks.yaml'), 'version: 1\nstacks:\n  app: { path: stacks/app, runner: command, commands: { apply: "true" } }\npolicies:\n  - file: policies/gaurd.policy.yaml\n');
    const missing = runStackfleet(['validate'], { cwd: dir });
    expect([missing.code, missing.stderr + missing.stdout]).toEqual([1, expect.stringContaining('stacks.yaml:5:11 policies[0].file: cannot read policy file policies/gaurd.policy.yaml: no such file')]);
    writeFileSync(join(dir, 'stacks.yaml'), 'version: 1\nstacks:\n  app: { path: stacks/app, runner: command, commands: { apply: "true" } }\npolicies:\n  - file: policies/guard.policy.yaml\n    stacks: "app*"\n');
    const good = runStackfleet(['validate'], { cwd: dir });
    expect(good.stdout).toBe('stacks.yaml: valid (1 stack, 1 policy)\n');
    expect(good.code).toBe(0);
  });

  it('validate warns (exit 0) about a team:NAME approver the manifest does not define, at its place, with a did-you-mean', () => {
    const fleet = join(dir, 'teams');
    mkdirSync(join(fleet, 'policies'), { recursive: true });
    mkdirSync(join(fleet, 'app'));
    writeFileSync(
      join(fleet, 'stacks.yaml'),
      'version: 1\nteams:\n  dba: [carol]\nstacks:\n  app: { path: app, runner: command, commands: { apply: "true" } }\npolicies:\n  - file: policies/db.policy.yaml\n',
    );
    writeFileSync(join(fleet, 'policies', 'db.policy.yaml'), 'kind: plan\nrules:\n  - name: db\n    effect: require_approval\n    when: "true"\n    approvers: [alice, "team:dbaa"]\n');
    const warned = runStackfleet(['validate'], { cwd: fleet });
    expect(warned.stdout).toBe('stacks.yaml: valid (1 stack, 1 policy)\n');
    expect(warned.stderr).toContain('warning: policies/db.policy.yaml:6:24 rules[0].approvers[1]: team "dbaa" is not one of the manifest\'s teams (did you mean "dba"?)\n  hint: ');
    expect(warned.code).toBe(0);
    writeFileSync(join(fleet, 'policies', 'db.policy.yaml'), 'kind: plan\nrules:\n  - name: db\n    effect: require_approval\n    when: "true"\n    approvers: [alice, "team:dba"]\n');
    const clean = runStackfleet(['validate'], { cwd: fleet });
    expect([clean.code, clean.stderr]).toEqual([0, '']);
  });

  it('policy test exits 1 with a diff on a mismatch, 0 when every case passes', () => {
    const test = (decisions: string) =>
      `cases:\n  - name: big change\n    input: { changes: { total: 5 } }\n    decisions: ${decisions}\n  - name: small change\n    input: { changes: { total: 1 } }\n    decisions: []\n`;
    writeFileSync(join(dir, 'policies', 'guard.policy.test.yaml'), test('[]'));
    const failing = runStackfleet(['policy', 'test', 'policies'], { cwd: dir });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toBe(
      [
        'FAIL policies/guard.policy.test.yaml > big change',
        '  decisions (- expected, + actual):',
        '    + deny big: too big',
        'ok   policies/guard.policy.test.yaml > small change',
        '1 passed, 1 failed',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'policies', 'guard.policy.test.yaml'), test('[{ rule: big, effect: deny, message: too big }]'));
    const passing = runStackfleet(['policy', 'test'], { cwd: dir });
    expect(passing.stdout).toContain('2 passed, 0 failed');
    expect(passing.code).toBe(0);
  });

  it('policy eval exits 0 when nothing denies or awaits approval, else 3', () => {
    writeFileSync(join(dir, 'small.json'), '{"changes": {"total": 1}}');
    writeFileSync(join(dir, 'big.json'), '{"changes": {"total": 9}}');
    const small = runStackfleet(['policy', 'eval', 'policies/guard.policy.yaml', '--input', 'small.json'], { cwd: dir });
    expect([small.code, small.stdout]).toEqual([0, 'policies/guard.policy.yaml: allow (0 decisions)\n']);
    const big = runStackfleet(['policy', 'eval', 'policies/guard.policy.yaml', '--input', 'big.json'], { cwd: dir });
    expect([big.code, big.stdout]).toEqual([3, 'policies/guard.policy.yaml: deny (1 decision)\n  deny big: too big\n']);
  });
});
