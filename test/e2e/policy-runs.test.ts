import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet, testEnv, type JsonLine } from '../support/cli.js';
import { hasTmux, startStackfleetSession, tmuxOn, waitForScreen } from '../support/tmux.js';

const SECRET = 'db-secret-e2e-91c7f';
const OTHER_SECRET = 'other-secret-e2e-5d2a8';

/** A terraform stack (db, labelled prod) and a command stack after it (app). */
const MANIFEST = `version: 1
teams: { platform: [alice, bob] }
contexts:
  prod:
    attachTo: { labels: [prod] }
    secrets:
      TF_VAR_password: { fromEnv: E2E_DB_PASSWORD }
      # A source named like stackfleet's own variables: an exec policy must not get it either.
      EXTRA_PASS: { fromEnv: STACKFLEET_E2E_DBPASS }
stacks:
  db:
    path: db
    labels: [prod]
    drift: { remediate: true }
  app:
    path: app
    runner: command
    dependsOn: [db]
    commands: { plan: "exit 2", apply: "echo applied" }
policies:
  - file: policies/guard.policy.yaml
  - file: policies/record.policy.yaml
    runners: [terraform]
  - file: policies/access.policy.yaml
`;

/** plan: approval above 2 creates, no deletes, a warning on every update. */
const GUARD = `kind: plan
rules:
  - name: big-change
    effect: require_approval
    when: input.changes.add > 2.0
    message: '"creates " + string(int(input.changes.add)) + " resources"'
  - name: no-deletes
    effect: deny
    when: has(input.terraform) && input.terraform.resource_changes.exists(r, r.change.actions == ["delete"])
    message: '"deletes " + input.terraform.resource_changes.filter(r, r.change.actions == ["delete"]).map(r, r.address).join(", ")'
  - name: updates
    effect: warn
    when: input.changes.change > 0.0
    message: 'string(int(input.changes.change)) + " update(s) by " + input.run.actor.login + " (" + input.run.actor.teams.join(",") + ", " + input.run.type + ")"'
`;

/** exec: records its stdin and environment; a file switch makes it fail (fail closed). */
const RECORD = `kind: plan
engine: exec
command: ./record.sh
`;
const RECORD_SH = `#!/bin/sh
cat > "$STACKFLEET_E2E_OUT/stdin.json"
env > "$STACKFLEET_E2E_OUT/env.txt"
if [ -f "$STACKFLEET_E2E_OUT/break" ]; then echo "policy script broke" >&2; exit 7; fi
echo '{}'
`;

const ACCESS = `kind: access
rules:
  - name: no-mallory
    effect: deny
    when: input.run.actor.login == "mallory"
    message: '"mallory may not " + input.run.command + " " + input.stacks.map(s, s.stack.name).join(", ")'
`;

const resource = (name: string, input: string) => `resource "terraform_data" "${name}" {\n  input = ${input}\n}\n`;
const PASSWORD_VAR = 'variable "password" {\n  type      = string\n  sensitive = true\n}\n';

describe('policies in real runs (terraform and command stacks)', () => {
  let dir: string;
  let out: string;
  let cleanup: () => void;
  const env = (actor: string) => testEnv({ STACKFLEET_ACTOR: actor, E2E_DB_PASSWORD: SECRET, STACKFLEET_E2E_DBPASS: OTHER_SECRET, STACKFLEET_E2E_OUT: out });
  const stackfleet = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: env(actor) });
  const writeDb = (main: string) => writeFileSync(join(dir, 'db', 'main.tf'), PASSWORD_VAR + main);
  // An apply judged by policies is two runs in one stream (it plans every stack first): the last one applies.
  const lastRun = (stdout: string): JsonLine[] => {
    const all = parseJsonLines(stdout);
    return all.slice(all.findLastIndex((event) => event.type === 'run.started'));
  };
  const events = (stdout: string, type: string): JsonLine[] => lastRun(stdout).filter((event) => event.type === type);
  const finished = (stdout: string): Record<string, JsonLine> =>
    Object.fromEntries(events(stdout, 'stack.finished').map((event): [string, JsonLine] => [String(event.stack), event]));

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-runs-'));
    out = join(dir, 'out');
    for (const sub of ['db', 'app', 'policies', 'out']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
    writeFileSync(join(dir, 'policies', 'guard.policy.yaml'), GUARD);
    writeFileSync(join(dir, 'policies', 'record.policy.yaml'), RECORD);
    writeFileSync(join(dir, 'policies', 'record.sh'), RECORD_SH);
    chmodSync(join(dir, 'policies', 'record.sh'), 0o755);
    writeFileSync(join(dir, 'policies', 'access.policy.yaml'), ACCESS);
    // Three creates, one of them carrying the secret through a sensitive variable.
    writeDb(resource('a', '{ tier = "data" }') + resource('b', '"keep"') + resource('c', 'var.password'));
  });
  afterAll(() => cleanup());

  let awaitingRun = '';

  it('stops a stack that needs approval: awaiting_approval, dependents skipped, exit 3 and the approve command', () => {
    const result = stackfleet('alice', 'apply', '--auto-approve', '--json');
    expect(result.code, result.stderr).toBe(3);
    const stacks = finished(result.stdout);
    expect(stacks['db']).toMatchObject({ status: 'awaiting_approval', messages: ['creates 3 resources'] });
    expect(stacks['app']).toMatchObject({ status: 'skipped', reason: 'dependency db is awaiting approval' });
    expect(events(result.stdout, 'policy.evaluated')).toEqual([
      expect.objectContaining({ stack: 'db', policy: 'guard', rule: 'big-change', effect: 'require_approval', message: 'creates 3 resources' }),
    ]);
    const run = events(result.stdout, 'run.finished')[0]!;
    expect(run).toMatchObject({ status: 'awaiting_approval', summary: expect.objectContaining({ awaitingApproval: 1, skipped: 1 }) });
    awaitingRun = String(run['runId']);
    expect(result.stderr).toContain(`stackfleet approve ${awaitingRun}`);
    expect(existsSync(join(dir, 'db', 'terraform.tfstate'))).toBe(false);
  });

  it('hands an exec policy the sanitized input on stdin: no secret, no stack environment', () => {
    const stdin = readFileSync(join(out, 'stdin.json'), 'utf8');
    const document = JSON.parse(stdin) as { stack: { name: string }; changes: { add: number }; terraform: { resource_changes: unknown[] } };
    expect(document.stack.name).toBe('db');
    expect(document.changes.add).toBe(3);
    expect(document.terraform.resource_changes).toHaveLength(3);
    expect(stdin).not.toContain(SECRET);
    expect(stdin).toContain('<sensitive:');
    const environment = readFileSync(join(out, 'env.txt'), 'utf8');
    expect(environment).not.toContain(SECRET);
    expect(environment).not.toContain('E2E_DB_PASSWORD');
    expect(environment).not.toContain(OTHER_SECRET);
    expect(environment).not.toContain('STACKFLEET_E2E_DBPASS');
    expect(environment).toContain('STACKFLEET_ACTOR=alice');
  });

  it('does not count the planner approving their own run; another approver lets resume apply it', () => {
    expect(stackfleet('alice', 'approve', awaitingRun).code).toBe(0);
    const again = stackfleet('alice', 'resume', awaitingRun, '--json');
    expect(again.code, again.stderr).toBe(3);
    expect(finished(again.stdout)['db']).toMatchObject({ status: 'awaiting_approval' });

    const approved = stackfleet('bob', 'approve', awaitingRun, '--stack', 'd*', '--comment', 'checked');
    expect(approved.stdout).toContain(`approved db in run ${awaitingRun} as bob (from STACKFLEET_ACTOR)`);
    const resumed = stackfleet('alice', 'resume', awaitingRun, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(finished(resumed.stdout)['db']).toMatchObject({ status: 'succeeded' });
    expect(finished(resumed.stdout)['app']).toMatchObject({ status: 'succeeded' });

    const show = stackfleet('alice', 'show', awaitingRun);
    expect(show.stdout).toContain('db: require_approval: creates 3 resources (guard/big-change)');
    expect(show.stdout).toMatch(/db: bob at \S+ — checked/);
    expect(show.stdout).toMatch(/\(run\): alice at /);
  });

  it('denies a plan that deletes: denied with messages, not applied, dependents skipped, exit 3', () => {
    writeDb(resource('a', '{ tier = "data", size = 2 }') + resource('c', 'var.password'));
    const result = stackfleet('alice', 'apply', '--auto-approve', '--json');
    expect(result.code, result.stderr).toBe(3);
    const stacks = finished(result.stdout);
    expect(stacks['db']).toMatchObject({ status: 'denied', messages: ['deletes terraform_data.b'] });
    expect(stacks['app']).toMatchObject({ status: 'skipped', reason: 'dependency db was denied by policy' });
    expect(events(result.stdout, 'policy.evaluated').map((event) => `${String(event['effect'])} ${String(event['message'])}`)).toEqual([
      'deny deletes terraform_data.b',
      'warn 1 update(s) by alice (platform, tracked)',
    ]);
    expect(events(result.stdout, 'run.finished')[0]).toMatchObject({ status: 'denied' });
    const state = readFileSync(join(dir, 'db', 'terraform.tfstate'), 'utf8');
    expect(state).toContain('"b"');
  });

  it('plan prints the decisions per stack; --detailed-exitcode makes a deny exit 3', () => {
    const plain = stackfleet('carol', 'plan', '--run-type', 'local');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('db   | deny: deletes terraform_data.b (guard/no-deletes)');
    expect(plain.stdout).toContain('db   | warn: 1 update(s) by carol (, local) (guard/updates)');
    expect(plain.stdout).toContain('⊘ denied');
    expect(stackfleet('carol', 'plan', '--detailed-exitcode').code).toBe(3);
  });

  it('fails closed: an exec policy that errors denies the stack with its error', () => {
    writeDb(resource('a', '{ tier = "data", size = 3 }') + resource('b', '"keep"') + resource('c', 'var.password'));
    writeFileSync(join(out, 'break'), '');
    try {
      const result = stackfleet('alice', 'apply', '--auto-approve', '--json');
      expect(result.code, result.stderr).toBe(3);
      const db = finished(result.stdout)['db']!;
      expect(db['status']).toBe('denied');
      expect(String((db['messages'] as string[])[0])).toBe('evaluation failed: command exited with code 7: policy script broke');
    } finally {
      rmSync(join(out, 'break'));
    }
    const applied = stackfleet('alice', 'apply', '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('db   | warn: 1 update(s) by alice (platform, tracked) (guard/updates)');
    expect(applied.stdout).toMatch(/policies:\n {2}db: warn: 1 update/);
  });

  it('an access deny stops the run before any stack starts, records it denied and exits 3', () => {
    const result = stackfleet('mallory', 'apply', '--auto-approve', '--json');
    expect(result.code, result.stderr).toBe(3);
    const types = parseJsonLines(result.stdout).map((event) => event.type);
    expect(types).toContain('run.started');
    expect(types).not.toContain('stack.started');
    expect(events(result.stdout, 'policy.evaluated')).toEqual([
      expect.objectContaining({ policy: 'access', rule: 'no-mallory', effect: 'deny', message: 'mallory may not apply db, app' }),
    ]);
    const run = events(result.stdout, 'run.finished')[0]!;
    expect(run['status']).toBe('denied');
    const show = stackfleet('alice', 'show', String(run['runId']));
    // Denied in the plan run that an apply judged by policies makes first.
    expect(show.stdout).toContain('plan (for apply) denied');
    expect(show.stdout).toContain('(run): deny: mallory may not apply db, app (access/no-mallory)');
    // The OS user at the host started it, as the actor the policies judged.
    expect(show.stdout).toMatch(/started \S+ by \S+@\S+, as mallory \(pid \d+\)/);
    const history = stackfleet('alice', 'history');
    expect(history.stdout).toMatch(new RegExp(`${String(run['runId'])}\\s+\\S+ \\S+\\s+plan \\(for apply\\)\\s+denied`));
  });

  it('drift --remediate passes the remediation plan through the policies (type drift)', () => {
    const result = spawnSync('terraform', ['state', 'rm', 'terraform_data.b'], { cwd: join(dir, 'db'), env: testEnv(), encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    writeDb(resource('a', '{ tier = "data", size = 3 }') + resource('b', '"keep"') + resource('c', 'var.password') + resource('d', '1') + resource('e', '2'));
    const drift = stackfleet('alice', 'drift', '--remediate', '--stack', 'db', '--json');
    expect(drift.code, drift.stderr).toBe(2);
    expect(finished(drift.stdout)['db']).toMatchObject({ status: 'changed', reason: 'remediation awaiting approval: creates 3 resources' });
    expect(events(drift.stdout, 'policy.evaluated')[0]).toMatchObject({ rule: 'big-change', effect: 'require_approval' });
    expect(readFileSync(join(dir, 'db', 'terraform.tfstate'), 'utf8')).not.toContain('"e"');
  });
});

describe('run policies over every planned stack (command stacks)', () => {
  let dir: string;
  let cleanup: () => void;
  const RUN_POLICY = `kind: run
rules:
  - name: one-at-a-time
    effect: deny
    when: input.stacks.filter(s, s.changes.total > 0.0).size() > 1
    message: '"too many stacks change at once: " + input.stacks.map(s, s.stack.name).join(", ")'
`;

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-run-policy-'));
    mkdirSync(join(dir, 'policies'));
    for (const stack of ['one', 'two']) mkdirSync(join(dir, stack));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      `version: 1
stacks:
  one: { path: one, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }
  two: { path: two, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }
policies:
  - file: policies/run.policy.yaml
`,
    );
    writeFileSync(join(dir, 'policies', 'run.policy.yaml'), RUN_POLICY);
  });
  afterAll(() => cleanup());

  it('plan evaluates them once at the end (exit 3 with --detailed-exitcode); apply stops before applying anything', () => {
    const plan = runStackfleet(['plan', '--detailed-exitcode', '--json'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(3);
    const decisions = parseJsonLines(plan.stdout).filter((event) => event.type === 'policy.evaluated');
    expect(decisions).toEqual([expect.objectContaining({ policy: 'run', rule: 'one-at-a-time', message: 'too many stacks change at once: one, two' })]);
    expect(decisions[0]).not.toHaveProperty('stack');

    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    expect(apply.stderr).toContain('apply stopped: policies denied the plan');
    expect(existsSync(join(dir, 'one', 'applied'))).toBe(false);

    // Saved plans of a run the run policies denied are never applied.
    const saved = runStackfleet(['plan', '--save', '--json'], { cwd: dir });
    const savedRun = String(parseJsonLines(saved.stdout).find((event) => event.type === 'run.started')!['runId']);
    const fromPlan = runStackfleet(['apply', '--from-plan', savedRun], { cwd: dir });
    expect(fromPlan.code, fromPlan.stdout + fromPlan.stderr).toBe(3);
    expect(fromPlan.stderr).toContain(`policies denied run ${savedRun} as a whole`);
    expect(existsSync(join(dir, 'one', 'applied'))).toBe(false);

    const single = runStackfleet(['apply', '--auto-approve', '--stack', 'one'], { cwd: dir });
    expect(single.code, single.stdout + single.stderr).toBe(0);
    expect(existsSync(join(dir, 'one', 'applied'))).toBe(true);
  });

  it('a run policy asking for approval stops --auto-approve and --from-plan (fail closed) until the plan run is approved (policy-run-approval.test.ts)', () => {
    const { dir: gated, cleanup: done } = makeTempDir('stackfleet-run-approval-');
    try {
      writeSignOffFleet(gated);
      // A plan applies nothing, so nothing waits yet: --detailed-exitcode says changes (2), as for a plan policy's approval.
      expect(runStackfleet(['plan'], { cwd: gated }).code).toBe(0);
      expect(runStackfleet(['plan', '--detailed-exitcode'], { cwd: gated }).code).toBe(2);

      const apply = runStackfleet(['apply', '--auto-approve'], { cwd: gated });
      expect(apply.code, apply.stdout + apply.stderr).toBe(3);
      expect(apply.stderr).toContain('apply stopped: run policies require an approval');
      expect(existsSync(join(gated, 'one', 'applied'))).toBe(false);

      const saved = runStackfleet(['plan', '--save', '--json'], { cwd: gated });
      const savedRun = String(parseJsonLines(saved.stdout).find((event) => event.type === 'run.started')!['runId']);
      // Recorded as awaiting the approval, and the saved run says how to give it.
      expect(parseJsonLines(saved.stdout).find((event) => event.type === 'run.finished')).toMatchObject({ status: 'awaiting_approval' });
      expect(saved.stderr).toContain(`run ${savedRun} is awaiting approval: stackfleet approve ${savedRun} [--comment TEXT]`);
      expect(saved.stderr).toContain(`then stackfleet apply --from-plan ${savedRun}`);
      const fromPlan = runStackfleet(['apply', '--from-plan', savedRun], { cwd: gated });
      expect(fromPlan.code, fromPlan.stdout + fromPlan.stderr).toBe(3);
      expect(fromPlan.stderr).toContain(`run policies require an approval of run ${savedRun} as a whole`);
      expect(existsSync(join(gated, 'one', 'applied'))).toBe(false);
    } finally {
      done();
    }
  });
});

describe('plan --detailed-exitcode and policies of either kind (issue #13)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-plan-exit-'));
    mkdirSync(join(dir, 'policies'));
    mkdirSync(join(dir, 'one'));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      'version: 1\nstacks:\n  one: { path: one, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }\npolicies:\n  - file: policies/gate.policy.yaml\n',
    );
  });
  afterAll(() => cleanup());

  const CHANGES = { plan: 'input.changes.total > 0.0', run: 'input.stacks.exists(s, s.changes.total > 0.0)' };
  it.each([
    { kind: 'plan', effect: 'require_approval', code: 2 },
    { kind: 'run', effect: 'require_approval', code: 2 },
    { kind: 'plan', effect: 'deny', code: 3 },
    { kind: 'run', effect: 'deny', code: 3 },
  ] as const)('a $kind policy that says $effect: exit $code', ({ kind, effect, code }) => {
    writeFileSync(join(dir, 'policies', 'gate.policy.yaml'), `kind: ${kind}\nrules:\n  - name: gate\n    effect: ${effect}\n    when: ${CHANGES[kind]}\n`);
    const plan = runStackfleet(['plan', '--detailed-exitcode', '--json'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(code);
    expect(parseJsonLines(plan.stdout).filter((event) => event.type === 'policy.evaluated')).toEqual([expect.objectContaining({ rule: 'gate', effect })]);
    // Headless, apply stops at either (exit 3) and applies nothing.
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    expect(existsSync(join(dir, 'one', 'applied'))).toBe(false);
  });
});

/** One command stack whose change a run policy wants signed off (require_approval over the whole run). */
function writeSignOffFleet(dir: string): void {
  mkdirSync(join(dir, 'policies'));
  mkdirSync(join(dir, 'one'));
  writeFileSync(
    join(dir, 'stacks.yaml'),
    'version: 1\nstacks:\n  one: { path: one, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }\npolicies:\n  - file: policies/run.policy.yaml\n',
  );
  writeFileSync(
    join(dir, 'policies', 'run.policy.yaml'),
    `kind: run\nrules:\n  - name: sign-off\n    effect: require_approval\n    when: input.stacks.exists(s, s.changes.total > 0.0)\n    message: '"every change needs a sign-off"'\n`,
  );
}

/** net -> app, command stacks; a plan policy wants a review of app's plans, naming who planned them. */
const REVIEW_FLEET = `version: 1
stacks:
  net: { path: net, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }
  app: { path: app, runner: command, dependsOn: [net], commands: { plan: "exit 2", apply: "touch applied" } }
policies:
  - file: policies/review.policy.yaml
`;
const REVIEW_POLICY = `kind: plan
rules:
  - name: review-app
    effect: require_approval
    when: input.stack.name == "app"
    message: '"app needs a review (planned by " + (has(input.run.plannedBy) ? input.run.plannedBy.login : "nobody") + ")"'
`;

function writeReviewFleet(dir: string): void {
  for (const sub of ['net', 'app', 'policies']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'stacks.yaml'), REVIEW_FLEET);
  writeFileSync(join(dir, 'policies', 'review.policy.yaml'), REVIEW_POLICY);
}

describe('policies and saved plans (plan --save, apply --from-plan)', () => {
  let dir: string;
  let cleanup: () => void;
  const stackfleet = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: testEnv({ STACKFLEET_ACTOR: actor }) });
  const finished = (stdout: string, stack: string) => parseJsonLines(stdout).find((event) => event.type === 'stack.finished' && event.stack === stack);
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-saved-'));
    writeReviewFleet(dir);
  });
  afterAll(() => cleanup());

  it('asks the plan policies before a saved plan is applied; the one awaiting approval keeps its plan for approve + resume', () => {
    const plan = stackfleet('carol', 'plan', '--save', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const planRun = String(parseJsonLines(plan.stdout).find((event) => event.type === 'run.started')!['runId']);
    expect(plan.stderr).toContain(`saved plan: run ${planRun}`);

    const apply = stackfleet('alice', 'apply', '--from-plan', planRun, '--json');
    expect(apply.code, apply.stderr).toBe(3);
    expect(finished(apply.stdout, 'net')).toMatchObject({ status: 'succeeded' });
    // input.run.plannedBy is whoever saved the plans.
    expect(finished(apply.stdout, 'app')).toMatchObject({ status: 'awaiting_approval', messages: ['app needs a review (planned by carol)'] });
    expect(existsSync(join(dir, 'net', 'applied'))).toBe(true);
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(false);
    const applyRun = String(parseJsonLines(apply.stdout).find((event) => event.type === 'run.started')!['runId']);
    expect(apply.stderr).toContain(`stackfleet approve ${applyRun}`);

    // The planner's own approval does not count; another's does, and resume applies the saved plan.
    expect(stackfleet('carol', 'approve', applyRun).code).toBe(0);
    expect(stackfleet('alice', 'resume', applyRun, '--json').code).toBe(3);
    expect(stackfleet('bob', 'approve', applyRun).code).toBe(0);
    const resumed = stackfleet('alice', 'resume', applyRun, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(finished(resumed.stdout, 'app')).toMatchObject({ status: 'succeeded' });
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(true);
  });
});

describe('the cleanup after an apply that planned first', () => {
  it("does not list the work directories of its two runs (each stack removed its own plan files); `stackfleet gc` still does", () => {
    const { dir, cleanup } = makeTempDir('stackfleet-policy-gc-');
    try {
      mkdirSync(join(dir, 'policies'));
      mkdirSync(join(dir, 'one'));
      // Each phase leaves a file named like a plan in its run's work directory (where STACKFLEET_OUTPUTS lives):
      // only a look into those directories would find them.
      const leave = 'touch "$(dirname "$STACKFLEET_OUTPUTS")/left.tfplan"';
      writeFileSync(
        join(dir, 'stacks.yaml'),
        `version: 1\nstacks:\n  one: { path: one, runner: command, commands: { plan: '${leave}; exit 2', apply: '${leave}' } }\npolicies:\n  - file: policies/quiet.policy.yaml\n`,
      );
      writeFileSync(join(dir, 'policies', 'quiet.policy.yaml'), 'kind: plan\nrules:\n  - name: never\n    effect: deny\n    when: input.stack.name == "nobody"\n');
      const apply = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
      expect(apply.code, apply.stderr).toBe(0);
      const runs = parseJsonLines(apply.stdout).filter((event) => event.type === 'run.started').map((event) => String(event['runId']));
      expect(runs).toHaveLength(2);
      const left = runs.map((run) => join(dir, '.stackfleet', 'runs', run, 'work', 'left.tfplan'));
      expect(apply.stderr).not.toContain('gc: removed');
      for (const file of left) expect(existsSync(file)).toBe(true);

      const gc = runStackfleet(['gc', '--json'], { cwd: dir });
      expect(gc.code, gc.stderr).toBe(0);
      expect((JSON.parse(gc.stdout) as { planFiles: string[] }).planFiles.sort()).toEqual([...left].sort());
    } finally {
      cleanup();
    }
  });
});

/** The interactive apply: one plan run (saved), its pending approvals listed at the question, "y" gives them. */
describe.skipIf(!hasTmux)('apply in a terminal with a policy that requires approval', () => {
  let dir: string;
  let cleanup: () => void;
  const server = `sf-e2e-policy-${process.pid}`;
  const tmux = (...args: string[]) => tmuxOn(server, ...args);
  const waitFor = (pattern: RegExp, what: string) => waitForScreen(server, pattern, what);
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-tty-'));
    writeReviewFleet(dir);
  });
  afterAll(() => {
    tmux('kill-server');
    cleanup();
  });

  it('lists what policies require above the question and applies the saved plans after "y"', async () => {
    startStackfleetSession(server, { dir, actor: 'alice', args: 'apply', width: 120, height: 40 });
    const question = await waitFor(/Approve and apply 2 stack\(s\) with changes\?/, 'the question');
    expect(question).toContain('Policies require approval:');
    expect(question).toContain('app: app needs a review (planned by nobody) (review/review-app)');
    expect(existsSync(join(dir, 'net', 'applied'))).toBe(false);
    tmux('send-keys', '-t', server, 'y', 'Enter');
    const done = await waitFor(/EXIT=\d/, 'the exit');
    expect(done).toContain('EXIT=0');
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(true);
    const runs = runStackfleet(['history', '--json'], { cwd: dir, env: testEnv() });
    const applyRun = parseJsonLines(runs.stdout).find((run) => run['command'] === 'apply')!;
    const show = runStackfleet(['show', String(applyRun['id'])], { cwd: dir, env: testEnv() });
    expect(show.stdout).toMatch(/app: alice at \S+ — approved at the terminal prompt/);
  });

  it('shows what a run policy requires above the question; "y" records the approval of the whole plan run by the actor, then applies', async () => {
    const { dir: gated, cleanup: done } = makeTempDir('stackfleet-run-approval-tty-');
    try {
      writeSignOffFleet(gated);
      tmux('kill-session', '-t', server);
      startStackfleetSession(server, { dir: gated, actor: 'alice', args: 'apply', width: 120, height: 40 });
      const question = await waitFor(/Approve and apply 1 stack\(s\) with changes\?/, 'the question');
      expect(question).toContain('Run policies require approval of the whole run:');
      expect(question).toContain('every change needs a sign-off (run/sign-off)');
      expect(existsSync(join(gated, 'one', 'applied'))).toBe(false);
      tmux('send-keys', '-t', server, 'y', 'Enter');
      const finished = await waitFor(/EXIT=\d/, 'the exit');
      expect(finished).toContain('EXIT=0');
      expect(existsSync(join(gated, 'one', 'applied'))).toBe(true);
      const runs = parseJsonLines(runStackfleet(['history', '--json'], { cwd: gated, env: testEnv() }).stdout);
      const planRun = runs.find((run) => run['command'] === 'plan')!;
      const show = runStackfleet(['show', String(planRun['id'])], { cwd: gated, env: testEnv() });
      expect(show.stdout).toMatch(/\(run\): alice at \S+ — approved at the terminal prompt/);
    } finally {
      done();
    }
  });
});
