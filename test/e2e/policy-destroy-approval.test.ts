/**
 * A destroy that run policies stop for an approval the actor cannot give
 * (`approvals: 2` from a team): `stackfleet approve` by the approvers, then
 * `stackfleet resume` of the stopped plan run destroys exactly its saved
 * destroy plans, judged again with those approvals. `plan --destroy` is
 * judged as the destroy it previews, and a command stack without
 * `commands.destroy` is neither judged nor counted in either. Real
 * processes, a real terraform stack and the real SQLite store.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet, type JsonLine } from '../support/cli.js';
import { createTerminalSessions, hasTmux } from '../support/tmux.js';

/** net (terraform) <- cache (command, destroyable), smoke (command: no commands.plan, no commands.destroy). */
const MANIFEST = `version: 1
teams: { dba: [bob, carol] }
stacks:
  net: { path: net }
  cache: { path: cache, runner: command, dependsOn: [net], commands: { plan: "exit 2", apply: "touch applied", destroy: "rm applied && touch destroyed" } }
  smoke: { path: smoke, runner: command, dependsOn: [net], commands: { apply: "touch applied" } }
policies:
  - file: policies/dba.policy.yaml
  - file: policies/seen.policy.yaml
`;

/** Destroys need two DBAs; every judgement says what it was judged as, and over how many stacks. */
const DBA = `kind: run
rules:
  - name: seen
    effect: warn
    when: "true"
    message: '"run " + input.run.command + "/" + input.run.type + " over " + string(size(input.stacks)) + " stacks"'
  - name: two-dbas
    effect: require_approval
    approvals: 2
    approvers: ["team:dba"]
    when: input.run.command == "destroy"
    message: '"destroys need two DBAs"'
`;

const SEEN = `kind: plan
rules:
  - name: seen
    effect: warn
    when: "true"
    message: '"plan " + input.run.command + "/" + input.run.type + " of " + input.stack.name'
`;

/** The events of each run in one NDJSON stream. */
function splitRuns(stdout: string): JsonLine[][] {
  const runs: JsonLine[][] = [];
  for (const event of parseJsonLines(stdout)) {
    if (event.type === 'run.started') runs.push([]);
    runs.at(-1)?.push(event);
  }
  return runs;
}

const statuses = (events: JsonLine[]) => Object.fromEntries(events.filter((event) => event.type === 'stack.finished').map((event) => [String(event.stack), event.status]));
const messagesOf = (events: JsonLine[]) => events.filter((event) => event.type === 'policy.evaluated').map((event) => String(event['message'])).sort();

/** The fleet in a new temp dir, applied by alice. */
function makeAppliedFleet(): { dir: string; cleanup: () => void } {
  const made = makeTempDir('stackfleet-policy-destroy-approval-');
  const { dir } = made;
  for (const sub of ['net', 'cache', 'smoke', 'policies']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
  writeFileSync(join(dir, 'policies', 'dba.policy.yaml'), DBA);
  writeFileSync(join(dir, 'policies', 'seen.policy.yaml'), SEEN);
  writeFileSync(join(dir, 'net', 'main.tf'), 'resource "terraform_data" "net" {\n  input = "n"\n}\n');
  const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir, env: { STACKFLEET_ACTOR: 'alice' } });
  if (apply.code !== 0) throw new Error(`apply failed:\n${apply.stdout}${apply.stderr}`);
  return made;
}

describe('destroy stopped by a run policy approval, approved by others, continued by resume (real terraform)', () => {
  let dir: string;
  let cleanup: () => void;
  const as = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor } });
  const netState = () => readFileSync(join(dir, 'net', 'terraform.tfstate'), 'utf8');

  beforeAll(() => {
    ({ dir, cleanup } = makeAppliedFleet());
  });
  afterAll(() => cleanup());

  it('plan --destroy is judged as the destroy it previews; a stack without commands.destroy is not judged, not counted, unchanged', () => {
    const preview = as('alice', 'plan', '--destroy', '--detailed-exitcode', '--json');
    expect(preview.code, preview.stderr).toBe(2);
    const [events, ...more] = splitRuns(preview.stdout);
    expect(more).toEqual([]);
    expect(statuses(events!)).toEqual({ net: 'changed', cache: 'changed', smoke: 'unchanged' });
    expect(messagesOf(events!)).toEqual(['destroys need two DBAs', 'plan destroy/proposed of cache', 'plan destroy/proposed of net', 'run destroy/proposed over 2 stacks']);
    // Known in a destroy preview: a command stack changes exactly when it has commands.destroy.
    expect(preview.stderr).not.toContain('changes are unknown');
  });

  let run = '';

  it('destroy --auto-approve stops at its plan run and names the commands that continue it', () => {
    const destroy = as('alice', 'destroy', '--auto-approve', '--json');
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(3);
    const [planning, ...more] = splitRuns(destroy.stdout);
    expect(more).toEqual([]);
    expect(statuses(planning!)).toEqual({ net: 'changed', cache: 'changed', smoke: 'unchanged' });
    expect(messagesOf(planning!)).toEqual(['destroys need two DBAs', 'plan destroy/tracked of cache', 'plan destroy/tracked of net', 'run destroy/tracked over 2 stacks']);
    run = String(planning![0]!['runId']);
    expect(destroy.stderr).toContain(
      `destroy stopped: run policies require an approval of run ${run} (see \`stackfleet show ${run}\`), which --auto-approve never gives: stackfleet approve ${run} [--comment TEXT] (by an approver other than the planner), then stackfleet resume ${run}`,
    );
    expect(destroy.stderr).not.toContain('in a terminal');
    expect(netState()).toContain('terraform_data');
  });

  it('one approval is not enough: resume refuses with what to run; apply --from-plan points at resume', () => {
    const approve = as('bob', 'approve', run, '--comment', 'one of two');
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain(`continue it with: stackfleet resume ${run}`);
    const early = as('alice', 'resume', run);
    expect(early.code, early.stdout + early.stderr).toBe(3);
    expect(early.stderr).toContain(`run policies require an approval of run ${run} as a whole: destroys need two DBAs`);
    expect(early.stderr).toContain(`stackfleet approve ${run} [--comment TEXT] as an approver other than alice, who planned it, then stackfleet resume ${run}`);
    const fromPlan = as('alice', 'apply', '--from-plan', run);
    expect(fromPlan.code).toBe(1);
    expect(fromPlan.stderr).toContain(`run ${run} saved destroy plans; \`apply\` cannot apply them`);
    expect(fromPlan.stderr).toContain(`\`stackfleet resume ${run}\` continues the destroy that saved them`);
    expect(netState()).toContain('terraform_data');
    expect(existsSync(join(dir, 'cache', 'applied'))).toBe(true);
  });

  it('with the second DBA, resume destroys exactly the saved destroy plans, judged again', () => {
    expect(as('carol', 'approve', run).code).toBe(0);
    const resumed = as('alice', 'resume', run, '--json');
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`run policies of run ${run} allow its plans now (approved by bob, carol)`);
    const [destroying, ...more] = splitRuns(resumed.stdout);
    expect(more).toEqual([]);
    expect(destroying![0]).toMatchObject({ command: 'destroy' });
    expect(statuses(destroying!)).toEqual({ cache: 'succeeded', smoke: 'unchanged', net: 'succeeded' });
    // Each saved plan is judged again by the plan policies before it is destroyed (smoke, with nothing to destroy, is not).
    expect(messagesOf(destroying!)).toEqual(['plan destroy/tracked of cache', 'plan destroy/tracked of net']);
    expect(existsSync(join(dir, 'cache', 'destroyed'))).toBe(true);
    expect(existsSync(join(dir, 'smoke', 'applied'))).toBe(true);
    expect(netState()).not.toContain('terraform_data');
  });
});

describe.skipIf(!hasTmux)('in a terminal: a "yes" that is not enough names approve and resume; resume asks, then destroys (tmux)', () => {
  let dir: string;
  let cleanup: () => void;
  const terminal = createTerminalSessions('sf-e2e-destroy-approval');
  const as = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor } });

  beforeAll(() => {
    ({ dir, cleanup } = makeAppliedFleet());
  });
  afterAll(() => {
    terminal.close();
    cleanup();
  });

  it('alice\'s yes counts for no DBA: the destroy stops with the commands that continue it; after two DBAs approve, resume destroys', async () => {
    terminal.start({ dir, actor: 'alice', args: 'destroy' });
    const question = await terminal.waitFor(/Approve and destroy 2 stack\(s\) with changes\?/, 'the question');
    expect(question).toContain('Run policies require approval of the whole run:');
    expect(question).toContain('destroys need two DBAs (dba/two-dbas)');
    terminal.answer('y');
    const stopped = await terminal.waitFor(/EXIT=\d/, 'the exit');
    expect(stopped).toContain('EXIT=3');
    const run = /then stackfleet resume (\S+)/.exec(stopped)?.[1];
    expect(run, stopped).toBeDefined();
    expect(stopped).toContain(`stackfleet approve ${run} [--comment TEXT] as an approver other than alice, who planned it, then stackfleet resume ${run}`);
    expect(existsSync(join(dir, 'cache', 'applied'))).toBe(true);

    expect(as('bob', 'approve', run!).stdout).toContain(`continue it with: stackfleet resume ${run}`);
    expect(as('carol', 'approve', run!).code).toBe(0);
    terminal.start({ dir, actor: 'alice', args: `resume ${run}` });
    const asked = await terminal.waitFor(new RegExp(`Destroy the saved plans of run ${run} \\(2 stack\\(s\\) with changes\\)\\?`), 'the question');
    expect(asked).toContain(`run policies of run ${run} allow its plans now (approved by bob, carol)`);
    // Satisfied, the run policy asks nothing more of the one answering.
    expect(asked).not.toContain('Run policies require approval');
    terminal.answer('y');
    const done = await terminal.waitFor(/EXIT=\d/, 'the exit');
    expect(done).toContain('EXIT=0');
    expect(existsSync(join(dir, 'cache', 'destroyed'))).toBe(true);
    expect(readFileSync(join(dir, 'net', 'terraform.tfstate'), 'utf8')).not.toContain('terraform_data');
  });
});

describe('a destroy whose plan run a plan policy denied in part while the run policies wait (ended denied) goes on the same way', () => {
  let dir: string;
  let cleanup: () => void;
  const as = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor } });

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-destroy-denied-'));
    for (const sub of ['a', 'b', 'policies']) mkdirSync(join(dir, sub));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      `version: 1
teams: { dba: [bob, carol] }
stacks:
  a: { path: a, runner: command, commands: { plan: "exit 2", apply: "touch applied", destroy: "rm applied" } }
  b: { path: b, runner: command, commands: { plan: "exit 2", apply: "touch applied", destroy: "rm applied" } }
policies:
  - file: policies/dba.policy.yaml
  - file: policies/keep.policy.yaml
`,
    );
    writeFileSync(join(dir, 'policies', 'dba.policy.yaml'), DBA);
    writeFileSync(
      join(dir, 'policies', 'keep.policy.yaml'),
      `kind: plan
rules:
  - name: keep-b
    effect: deny
    when: input.run.command == "destroy" && input.stack.name == "b"
    message: '"b stays"'
`,
    );
    const apply = as('alice', 'apply', '--auto-approve');
    if (apply.code !== 0) throw new Error(`apply failed:\n${apply.stdout}${apply.stderr}`);
  });
  afterAll(() => cleanup());

  it('approve names resume, and resume destroys what the policies allow; the denied stack stays', () => {
    const destroy = as('alice', 'destroy', '--auto-approve', '--json');
    expect(destroy.code, destroy.stderr).toBe(3);
    const [planning, ...more] = splitRuns(destroy.stdout);
    expect(more).toEqual([]);
    expect(planning!.at(-1)).toMatchObject({ type: 'run.finished', status: 'denied' });
    const run = String(planning![0]!['runId']);
    expect(destroy.stderr).toContain(`then stackfleet resume ${run}`);

    expect(as('bob', 'approve', run).stdout).toContain(`continue it with: stackfleet resume ${run}`);
    expect(as('carol', 'approve', run).code).toBe(0);
    const resumed = as('alice', 'resume', run, '--json');
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(3);
    const [destroying] = splitRuns(resumed.stdout);
    expect(destroying![0]).toMatchObject({ command: 'destroy' });
    expect(statuses(destroying!)).toEqual({ a: 'succeeded', b: 'denied' });
    expect(existsSync(join(dir, 'a', 'applied'))).toBe(false);
    expect(existsSync(join(dir, 'b', 'applied'))).toBe(true);
  });
});
