/**
 * An interactive `destroy` judged by a policy, in a real terminal (tmux), with
 * real terraform: the destroy plan fires a `require_approval` rule, the
 * question lists its reason, "n" leaves everything, "y" destroys and records
 * the approval with the actor.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';
import { hasTmux, tmuxOn, waitForScreen } from '../support/tmux.js';


const MANIFEST = `version: 1
stacks:
  db: { path: db, labels: [prod] }
  cache: { path: cache }
policies:
  - file: policies/guard.policy.yaml
`;

/** Deleting anything of a prod stack needs someone to look first. */
const GUARD = `kind: plan
rules:
  - name: prod-delete
    effect: require_approval
    when: input.stack.labels.exists(l, l == "prod") && has(input.terraform) && input.terraform.resource_changes.exists(r, "delete" in r.change.actions)
    message: '"destroys " + input.terraform.resource_changes.filter(r, "delete" in r.change.actions).map(r, r.address).join(", ") + " in prod"'
`;

describe.skipIf(!hasTmux)('destroy in a terminal with a policy that requires approval (tmux, real terraform)', () => {
  let dir: string;
  let cleanup: () => void;
  let terminals = 0;
  let server = '';
  const tmux = (...args: string[]) => tmuxOn(server, ...args);
  const state = (stack: string) => readFileSync(join(dir, stack, 'terraform.tfstate'), 'utf8');

  /** A fresh tmux server per command (a killed one can still be exiting when the next connects), 120x40. */
  function startInTerminal(args: string): void {
    if (server !== '') tmux('kill-server');
    server = `sf-e2e-destroy-${process.pid}-${(terminals += 1)}`;
    const env = 'env -u CI NO_COLOR=1 TERM=xterm-256color TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1 STACKFLEET_ACTOR=alice';
    const script = `cd ${dir} && ${env} ${process.execPath} ${cliBin} ${args}; echo "EXIT=$?"; sleep 60`;
    const result = spawnSync('tmux', ['-L', server, 'new-session', '-d', '-s', server, '-x', '120', '-y', '40', script], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux new-session failed: ${result.stderr}`);
  }
  const waitFor = (pattern: RegExp, what: string) => waitForScreen(server, pattern, what, 60_000);

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-destroy-tty-'));
    for (const sub of ['db', 'cache', 'policies']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
    writeFileSync(join(dir, 'policies', 'guard.policy.yaml'), GUARD);
    writeFileSync(join(dir, 'db', 'main.tf'), 'resource "terraform_data" "db" {\n  input = "data"\n}\n');
    writeFileSync(join(dir, 'cache', 'main.tf'), 'resource "terraform_data" "cache" {\n  input = "c"\n}\n');
    // Creates fire nothing: both stacks apply headless.
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir, env: { STACKFLEET_ACTOR: 'alice' } });
    if (apply.code !== 0) throw new Error(`apply failed:\n${apply.stdout}${apply.stderr}`);
  });
  afterAll(() => {
    if (server !== '') tmux('kill-server');
    cleanup();
  });

  it('shows the reasons above the question; "n" destroys nothing', async () => {
    startInTerminal('destroy --stack db');
    const question = await waitFor(/Approve and destroy 1 stack\(s\) with changes\?/, 'the question');
    expect(question).toContain('Policies require approval:');
    expect(question).toContain('db: destroys terraform_data.db in prod (guard/prod-delete)');
    tmux('send-keys', '-t', server, 'n', 'Enter');
    const done = await waitFor(/EXIT=\d/, 'the exit');
    expect(done).toContain('Destroy cancelled.');
    expect(done).toContain('EXIT=1');
    expect(state('db')).toContain('terraform_data');
    // Cancelled before any destroy run: only the plan runs of the setup apply and of this destroy exist.
    const runs = parseJsonLines(runStackfleet(['history', '--json'], { cwd: dir }).stdout);
    expect(runs.map((run) => run['command'])).not.toContain('destroy');
  });

  it('"y" destroys the stack and records the approval with the actor', async () => {
    startInTerminal('destroy --stack db');
    await waitFor(/Approve and destroy 1 stack\(s\) with changes\?/, 'the question');
    tmux('send-keys', '-t', server, 'y', 'Enter');
    const done = await waitFor(/EXIT=\d/, 'the exit');
    expect(done).toContain('EXIT=0');
    expect(state('db')).not.toContain('terraform_data');
    expect(state('cache')).toContain('terraform_data');
    const runs = parseJsonLines(runStackfleet(['history', '--json'], { cwd: dir }).stdout);
    const destroyRun = runs.find((run) => run['command'] === 'destroy')!;
    expect(destroyRun).toMatchObject({ status: 'succeeded' });
    const show = runStackfleet(['show', String(destroyRun['id'])], { cwd: dir });
    expect(show.stdout).toContain('db: require_approval: destroys terraform_data.db in prod (guard/prod-delete)');
    expect(show.stdout).toMatch(/db: alice at \S+ — approved at the terminal prompt/);
  });
});
