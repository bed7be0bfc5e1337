/**
 * A run policy's `require_approval`, given after the run was judged:
 * `apply --auto-approve` stops at its plan run (exit 3, the approve command),
 * `stackfleet approve RUN` records approvals of the whole run, and
 * `apply --from-plan RUN` judges the run policies again with them over the
 * plans they saw (kept sanitized with the saved plans; `resume RUN` does the
 * same for the plan run of an apply), real processes, a
 * real terraform plan and the real SQLite store.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet } from '../support/cli.js';

const SECRET = 'run-approval-secret-5d2e1';

const manifest = (policy: string) => `version: 1
teams: { leads: [carol, dave] }
stacks:
  db: { path: db, secrets: { TF_VAR_password: { fromEnv: E2E_PASSWORD } } }
  app: { path: app, runner: command, dependsOn: [db], commands: { plan: "exit 2", apply: "touch applied" } }
policies:
  - file: policies/${policy}
`;

/** Anyone but the planner, once; the message reads the terraform plan the policy saw (sanitized). */
const SIGN_OFF = `kind: run
rules:
  - name: sign-off
    effect: require_approval
    when: input.stacks.exists(s, has(s.terraform) && s.terraform.resource_changes.exists(r, "create" in r.change.actions))
    message: '"creates in " + input.stacks.filter(s, has(s.terraform)).map(s, s.stack.name).join(",") + ", password " + input.stacks.filter(s, has(s.terraform))[0].terraform.resource_changes[0].change.after.input'
`;

/** Two approvals from the leads team. */
const LEADS = `kind: run
rules:
  - name: leads
    effect: require_approval
    approvals: 2
    approvers: ["team:leads"]
    when: size(input.stacks) > 0
    message: '"two leads sign off " + string(size(input.stacks)) + " stacks; approvals so far: " + string(size(input.approvals))'
`;

describe('a run policy approval given with `stackfleet approve` after the run was judged', () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir: root, cleanup } = makeTempDir('stackfleet-run-approval-'));
  });
  afterAll(() => cleanup());

  function makeFleet(name: string, policyFile: string, policy: string): { dir: string; as: (actor: string, ...args: string[]) => ReturnType<typeof runStackfleet> } {
    const dir = join(root, name);
    for (const sub of ['db', 'app', 'policies']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'stacks.yaml'), manifest(policyFile));
    writeFileSync(join(dir, 'policies', policyFile), policy);
    // Not marked sensitive: only the context secret's sanitization hides it from the policy (and the store).
    writeFileSync(join(dir, 'db', 'main.tf'), 'variable "password" {\n  type = string\n}\nresource "terraform_data" "db" {\n  input = var.password\n}\n');
    return { dir, as: (actor, ...args) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor, E2E_PASSWORD: SECRET } }) };
  }

  /** The plan run id the stopped apply names in its approve command. */
  function stoppedRun(stderr: string): string {
    const match = /stackfleet approve (\S+) \[--comment TEXT\]/.exec(stderr);
    if (!match) throw new Error(`no approve command in:\n${stderr}`);
    return match[1]!;
  }

  it('headless apply stops with the approve command; the planner approving does not count, nor a stack approval; another actor\'s does, and --from-plan applies', () => {
    const { dir, as } = makeFleet('sign-off', 'sign-off.policy.yaml', SIGN_OFF);
    const apply = as('alice', 'apply', '--auto-approve');
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    const run = stoppedRun(apply.stderr);
    expect(apply.stderr).toContain(`then stackfleet apply --from-plan ${run}`);
    expect(existsSync(join(dir, 'db', 'terraform.tfstate'))).toBe(false);

    // Nothing approved yet: refused, with what to do.
    const early = as('alice', 'apply', '--from-plan', run);
    expect(early.code, early.stderr).toBe(3);
    expect(early.stderr).toMatch(new RegExp(`run policies require an approval of run ${run} as a whole: creates in db, password <sensitive:[0-9a-f]{12}> \\(sign-off/sign-off\\)`));
    expect(early.stderr).toContain(`stackfleet approve ${run} [--comment TEXT] as an approver other than alice, who planned it`);

    // The planner's own approval, and an approval of one stack only, do not satisfy a run policy.
    expect(as('alice', 'approve', run).code).toBe(0);
    const stackOnly = as('bob', 'approve', run, '--stack', 'db');
    expect(stackOnly.code).toBe(0);
    expect(stackOnly.stdout).toContain(`note: run ${run} waits for its run policies, which count approvals of the whole run: approve it without --stack`);
    const self = as('alice', 'apply', '--from-plan', run);
    expect(self.code, self.stderr).toBe(3);
    expect(self.stderr).toContain(`run policies require an approval of run ${run} as a whole`);
    // resume of the stopped apply's plan run is the same apply of its plans: refused as well.
    const resumed = as('alice', 'resume', run);
    expect(resumed.code, resumed.stderr).toBe(3);
    expect(resumed.stderr).toContain(`run policies require an approval of run ${run} as a whole`);
    expect(existsSync(join(dir, 'db', 'terraform.tfstate'))).toBe(false);

    const approve = as('bob', 'approve', run, '--comment', 'looked at it');
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain(`continue it with: stackfleet apply --from-plan ${run}`);
    const applied = as('alice', 'apply', '--from-plan', run);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stderr).toContain(`run policies of run ${run} allow its plans now (approved by bob)`);
    expect(readFileSync(join(dir, 'db', 'terraform.tfstate'), 'utf8')).toContain(SECRET);
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(true);
    const show = runStackfleet(['show', run], { cwd: dir });
    expect(show.stdout).toMatch(/bob at \S+ — looked at it/);

    // What the policies saw was kept in the store sanitized: the secret is nowhere in it.
    const state = join(dir, '.stackfleet');
    for (const file of readdirSync(state).filter((name) => name.startsWith('state.db'))) {
      expect(readFileSync(join(state, file)).includes(SECRET), file).toBe(false);
    }
  });

  it('honours approvals: N and approvers: a team, counted over the recorded approvals of the whole run', () => {
    const { dir, as } = makeFleet('leads', 'leads.policy.yaml', LEADS);
    const apply = as('alice', 'apply', '--auto-approve');
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    const run = stoppedRun(apply.stderr);

    expect(as('bob', 'approve', run).code).toBe(0);
    expect(as('carol', 'approve', run).code).toBe(0);
    const one = as('alice', 'apply', '--from-plan', run);
    expect(one.code, one.stderr).toBe(3);
    // The rule saw every approval (bob's too); only carol's counts.
    expect(one.stderr).toContain('two leads sign off 2 stacks; approvals so far: 2 (leads/leads)');
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(false);

    expect(as('dave', 'approve', run).code).toBe(0);
    // `resume` of the stopped apply's plan run applies its plans like `apply --from-plan`.
    const two = as('bob', 'resume', run);
    expect(two.code, two.stdout + two.stderr).toBe(0);
    expect(two.stderr).toContain('approved by carol, dave');
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(true);
  });
});
