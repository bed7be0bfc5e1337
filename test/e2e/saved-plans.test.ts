import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { makeTempDir, parseJsonLines, runStackfleet, startStackfleet, type JsonLine } from '../support/cli.js';

const MANIFEST = `version: 1
stacks:
  net: { path: stacks/net }
  app:
    path: stacks/app
    dependsOn: [{ stack: net, outputs: { id: TF_VAR_net_id }, mock: { id: mock-net } }]
  solo: { path: stacks/solo }
`;

const netMain = (value: string) => `resource "terraform_data" "x" {\n  input = "${value}"\n}\noutput "id" {\n  value = terraform_data.x.output\n}\n`;
const APP_MAIN = 'variable "net_id" {\n  type = string\n}\nresource "terraform_data" "y" {\n  input = var.net_id\n}\n';
const soloMain = (value: string) => `resource "terraform_data" "z" {\n  input = "${value}"\n}\n`;

/** Real terraform (`terraform_data`): `plan --save` keeps the plans, `apply --from-plan` applies exactly them or refuses. */
describe('saved plans: plan --save, apply --from-plan', () => {
  let dir: string;
  let cleanup: () => void;
  const cli = (...args: string[]) => runStackfleet(args, { cwd: dir });
  const write = (stack: string, main: string) => writeFileSync(join(dir, 'stacks', stack, 'main.tf'), main);
  const savePlan = (): string => {
    const result = cli('plan', '--save');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const match = /^saved plan: run (\S+)$/m.exec(result.stdout);
    expect(match, result.stdout).not.toBeNull();
    return match![1]!;
  };
  const events = (stdout: string, stack: string): JsonLine[] => parseJsonLines(stdout).filter((event) => event.stack === stack);
  const finished = (stdout: string, stack: string) => events(stdout, stack).find((event) => event.type === 'stack.finished');
  const steps = (stdout: string, stack: string) => events(stdout, stack).filter((event) => event.type === 'stack.step').map((event) => event.step);
  const plansDir = (run: string) => join(dir, '.stackfleet', 'runs', run, 'plans');
  const outputOf = (stack: string) => cli('outputs', stack, 'id').stdout.trim();

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
    for (const stack of ['net', 'app', 'solo']) mkdirSync(join(dir, 'stacks', stack), { recursive: true });
    write('net', netMain('v1'));
    write('app', APP_MAIN);
    write('solo', soloMain('s1'));
  });
  afterAll(() => cleanup());

  it('keeps the plan files 0600, applies them without planning again, then removes them', () => {
    const run = savePlan();
    const files = readdirSync(plansDir(run)).sort();
    expect(files).toEqual(['app.tfplan', 'net.tfplan', 'solo.tfplan']);
    expect(statSync(plansDir(run)).mode & 0o777).toBe(0o700);
    for (const file of files) expect(statSync(join(plansDir(run), file)).mode & 0o777).toBe(0o600);

    const applied = cli('apply', '--from-plan', run, '--json');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(parseJsonLines(applied.stdout).every((event) => event.runId !== undefined)).toBe(true);
    // net and solo apply their saved plans: no plan step at all.
    expect(steps(applied.stdout, 'net')).toEqual(['apply', 'outputs']);
    expect(steps(applied.stdout, 'solo')).toEqual(['apply', 'outputs']);
    // app was planned with net's mock: planned again after net applied; the same actions, so applied.
    expect(steps(applied.stdout, 'app')).toContain('plan');
    expect(finished(applied.stdout, 'app')?.status).toBe('succeeded');
    expect(outputOf('net')).toBe('v1');
    expect(existsSync(plansDir(run)) ? readdirSync(plansDir(run)) : []).toEqual([]);

    const again = cli('apply', '--from-plan', run, '--auto-approve');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`run ${run} has no saved plans left: they were applied`);
  });

  it('refuses a stack whose file changed after the plan as stale (exit 1), naming the file, and applies nothing downstream', () => {
    write('net', netMain('v2'));
    write('solo', soloMain('s2'));
    const run = savePlan();
    write('net', netMain('v3'));
    const result = cli('apply', '--from-plan', run, '--auto-approve', '--json');
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(finished(result.stdout, 'net')).toMatchObject({ status: 'failed' });
    expect(finished(result.stdout, 'net')?.reason).toMatch(new RegExp(`^stale: stack file main\\.tf changed since run ${run} was planned`));
    expect(finished(result.stdout, 'app')).toMatchObject({ status: 'skipped', reason: 'dependency net failed' });
    expect(finished(result.stdout, 'solo')).toMatchObject({ status: 'succeeded' });
    expect(outputOf('net')).toBe('v1');
  });

  it('plans a downstream stack again after its upstream changed outputs, and refuses the new plan headless without --auto-approve', () => {
    write('net', netMain('v4'));
    const run = savePlan();
    const result = cli('apply', '--from-plan', run, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(finished(result.stdout, 'net')).toMatchObject({ status: 'succeeded' });
    expect(outputOf('net')).toBe('v4');
    expect(steps(result.stdout, 'app')).toContain('plan');
    const app = finished(result.stdout, 'app');
    expect(app?.status).toBe('failed');
    expect(app?.reason).toContain('plan changed after net applied (saved plan: no changes; new plan: ~1)');
    expect(app?.reason).toContain('stackfleet plan');

    // The reviewed part is gone; what is left needs --auto-approve, and gets it.
    const approved = cli('apply', '--from-plan', run, '--auto-approve', '--json');
    expect(approved.code, approved.stdout + approved.stderr).toBe(0);
    expect(parseJsonLines(approved.stdout).find((event) => event.type === 'run.started')?.stacks).toEqual(['app']);
    expect(finished(approved.stdout, 'app')).toMatchObject({ status: 'succeeded' });
    expect(readdirSync(plansDir(run))).toEqual([]);
  });

  it('refuses a stack whose resolved inputs changed (a variable), naming it and never its value', () => {
    write('solo', soloMain('s5'));
    const planned = runStackfleet(['plan', '--save', '--json'], { cwd: dir });
    expect(planned.code, planned.stderr).toBe(0);
    // --json: stdout stays NDJSON, the announcement goes to stderr.
    expect(parseJsonLines(planned.stdout).every((event) => typeof event.type === 'string')).toBe(true);
    const run = /saved plan: run (\S+)/.exec(planned.stderr)![1]!;

    const destroy = cli('plan', '--save', '--destroy');
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain('a destroy preview (--destroy) cannot be saved');

    const selectors = cli('apply', '--from-plan', run, '--stack', 'solo');
    expect(selectors.code).toBe(1);
    expect(selectors.stderr).toContain('--from-plan applies the stacks run');

    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST.replace('solo: { path: stacks/solo }', 'solo: { path: stacks/solo, vars: { size: large } }'));
    const result = runStackfleet(['apply', '--from-plan', run, '--json'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(finished(result.stdout, 'solo')?.reason).toMatch(/^stale: env TF_VAR_size \(added\) changed since run/);
    expect(finished(result.stdout, 'net')).toMatchObject({ status: 'unchanged' });
    expect(`${result.stdout}${result.stderr}`).not.toContain('large');
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
  });
});

/** Command stacks: their saved plan is the verdict of commands.plan; an interrupted --from-plan run resumes with the saved plans. */
describe('saved plans of command stacks, interrupted and resumed', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    for (const stack of ['first', 'second']) mkdirSync(join(dir, stack));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      `version: 1
stacks:
  first: { runner: command, path: first, commands: { plan: "echo first >> ../planned; exit 2", apply: "sleep 1; echo first >> ../applied" } }
  second: { runner: command, path: second, dependsOn: [first], commands: { plan: "echo second >> ../planned; exit 2", apply: "echo second >> ../applied" } }
`,
    );
  });
  afterAll(() => cleanup());
  const lines = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean) : []);

  it('applies commands.apply without running commands.plan again, also when resumed after Ctrl-C', async () => {
    const planned = runStackfleet(['plan', '--save'], { cwd: dir });
    expect(planned.code, planned.stderr).toBe(0);
    const run = /saved plan: run (\S+)/.exec(planned.stdout)![1]!;
    expect(lines('planned')).toEqual(['first', 'second']);

    const apply = startStackfleet(['apply', '--from-plan', run], { cwd: dir });
    const deadline = Date.now() + 15_000;
    while (!apply.output().stdout.includes('first  | started') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    apply.child.kill('SIGINT');
    expect((await apply.done).code).toBe(1);
    expect(lines('applied')).toEqual([]);

    const resumed = runStackfleet(['resume'], { cwd: dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(lines('applied')).toEqual(['first', 'second']);
    // Neither the apply nor its resume planned again.
    expect(lines('planned')).toEqual(['first', 'second']);
  }, 40_000);
});

/** A `plan --save` cut off by Ctrl-C (also the planning half of an interactive apply) and resumed names the run to apply, as plan --save does. */
describe('a resumed plan --save', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    mkdirSync(join(dir, 'slow'));
    writeFileSync(join(dir, 'stacks.yaml'), 'version: 1\nstacks:\n  slow: { runner: command, path: slow, commands: { plan: "sleep 1; exit 2", apply: "echo applied > ../applied" } }\n');
  });
  afterAll(() => cleanup());

  it('prints `saved plan: run <id>` once every stack is planned, and that run applies', async () => {
    const plan = startStackfleet(['plan', '--save'], { cwd: dir });
    const deadline = Date.now() + 15_000;
    while (!/slow +\| started/.test(plan.output().stdout) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    plan.child.kill('SIGINT');
    const interrupted = await plan.done;
    expect(interrupted.code).toBe(1);
    expect(interrupted.stdout).not.toMatch(/saved plan: run/);
    const cut = /\(run (\S+),/.exec(interrupted.stdout)![1]!;
    const early = runStackfleet(['apply', '--from-plan', cut], { cwd: dir });
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`did not plan every stack (it ended interrupted)`);
    expect(early.stderr).toContain(`\`stackfleet resume ${cut}\` finishes planning it`);

    const resumed = runStackfleet(['resume'], { cwd: dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const run = /^saved plan: run (\S+)$/m.exec(resumed.stdout)?.[1];
    expect(run, resumed.stdout + resumed.stderr).toBeDefined();
    const applied = runStackfleet(['apply', '--from-plan', run!], { cwd: dir });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(readFileSync(join(dir, 'applied'), 'utf8')).toBe('applied\n');
    const applyRun = /\(run (\S+),/.exec(applied.stdout)![1]!;
    const notAPlan = runStackfleet(['apply', '--from-plan', applyRun], { cwd: dir });
    expect(notAPlan.code).toBe(1);
    expect(notAPlan.stderr).toContain(`run ${applyRun} is an \`apply\` run without saved plans`);
  }, 40_000);
});
