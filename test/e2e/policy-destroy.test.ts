import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet, type JsonLine } from '../support/cli.js';

/**
 * net -> db (prod) -> app, and cache alone: three terraform stacks and a
 * command stack. db's input is net's output, which `TF_VAR_flavor` sets.
 */
const MANIFEST = `version: 1
stacks:
  net: { path: net }
  db:
    path: db
    labels: [prod]
    dependsOn:
      - stack: net
        outputs: { id: TF_VAR_net_id }
        mock: { id: mock-net }
  cache: { path: cache }
  app:
    path: app
    runner: command
    dependsOn: [db]
    commands: { plan: "exit 2", apply: "touch applied", destroy: "rm applied" }
policies:
  - file: policies/guard.policy.yaml
  - file: policies/fleet.policy.yaml
`;

const GUARD = `kind: plan
rules:
  - name: no-forbidden
    effect: deny
    when: input.run.command == "apply" && input.stack.name == "db" && input.terraform.resource_changes.exists(r, r.change.after.input == "forbidden")
    message: '"db would read a forbidden network"'
  - name: no-prod-db-delete
    effect: deny
    when: input.stack.labels.exists(l, l == "prod") && has(input.terraform) && input.terraform.resource_changes.exists(r, "delete" in r.change.actions)
    message: '"deleting a production database is not allowed (" + input.run.command + ")"'
  - name: cache-review
    effect: require_approval
    when: input.run.command == "destroy" && input.stack.name == "cache"
    message: '"destroying the cache needs a review"'
`;

const FLEET = `kind: run
rules:
  - name: seen
    effect: warn
    when: "true"
    message: 'input.run.command + " of " + input.stacks.map(s, s.stack.name).join(",")'
  - name: no-lone-destroy
    effect: deny
    when: input.run.command == "destroy" && size(input.stacks) == 1
    message: '"destroy whole branches, not single stacks"'
`;

const TERRAFORM = {
  net: 'variable "flavor" {\n  default = "fine"\n}\nresource "terraform_data" "net" {\n  input = var.flavor\n}\noutput "id" {\n  value = terraform_data.net.output\n}\n',
  db: 'variable "net_id" {\n  type = string\n}\nresource "terraform_data" "db" {\n  input = var.net_id\n}\n',
  cache: 'resource "terraform_data" "cache" {\n  input = "c"\n}\n',
};

/** The events of each run in one NDJSON stream (a planning run, then the run that applies its plans). */
function splitRuns(stdout: string): JsonLine[][] {
  const runs: JsonLine[][] = [];
  for (const event of parseJsonLines(stdout)) {
    if (event.type === 'run.started') runs.push([]);
    runs.at(-1)?.push(event);
  }
  return runs;
}

function statuses(events: JsonLine[]): Record<string, unknown> {
  return Object.fromEntries(events.filter((event) => event.type === 'stack.finished').map((event) => [String(event.stack), event.status]));
}

const finishedEvent = (events: JsonLine[], stack: string) => events.find((event) => event.type === 'stack.finished' && event.stack === stack);
const messagesOf = (events: JsonLine[]) => events.filter((event) => event.type === 'policy.evaluated').map((event) => `${String(event['effect'])} ${String(event['message'])}`);

describe('apply and destroy plan every stack before changing any when policies judge them (real terraform)', () => {
  let dir: string;
  let cleanup: () => void;
  const stackfleet = (actor: string, args: string[], extra: Record<string, string> = {}) =>
    runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor, ...extra } });
  const state = (stack: string) => (existsSync(join(dir, stack, 'terraform.tfstate')) ? readFileSync(join(dir, stack, 'terraform.tfstate'), 'utf8') : '');

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-destroy-'));
    for (const sub of ['net', 'db', 'cache', 'app', 'policies']) mkdirSync(join(dir, sub));
    for (const [stack, main] of Object.entries(TERRAFORM)) writeFileSync(join(dir, stack, 'main.tf'), main);
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
    writeFileSync(join(dir, 'policies', 'guard.policy.yaml'), GUARD);
    writeFileSync(join(dir, 'policies', 'fleet.policy.yaml'), FLEET);
  });
  afterAll(() => cleanup());

  it('apply --auto-approve: plans all first, then applies; a stack denied on its re-plan is not applied, its dependents are skipped, the rest goes on', () => {
    const result = stackfleet('alice', ['apply', '--auto-approve', '--json'], { TF_VAR_flavor: 'forbidden' });
    expect(result.code, result.stderr).toBe(3);
    const [planning, applying, ...more] = splitRuns(result.stdout);
    expect(more).toEqual([]);
    expect(planning![0]).toMatchObject({ command: 'plan' });
    expect(planning!.filter((event) => event.type === 'stack.planned').map((event) => event.stack).sort()).toEqual(['app', 'cache', 'db', 'net']);
    // The run policy saw every plan (as an apply) before anything was applied.
    expect(messagesOf(planning!)).toEqual(['warn apply of cache,net,db,app']);
    expect(applying![0]).toMatchObject({ command: 'apply' });
    // db was planned on net's mock; once net applied it was planned again, judged again, and denied.
    expect(statuses(applying!)).toEqual({ net: 'succeeded', cache: 'succeeded', db: 'denied', app: 'skipped' });
    expect(finishedEvent(applying!, 'db')).toMatchObject({ messages: ['db would read a forbidden network'] });
    expect(finishedEvent(applying!, 'app')).toMatchObject({ reason: 'dependency db was denied by policy' });
    expect(state('db')).not.toContain('terraform_data');
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(false);

    const fine = stackfleet('alice', ['apply', '--auto-approve', '--json']);
    expect(fine.code, fine.stderr).toBe(0);
    const [stale, applied] = splitRuns(fine.stdout);
    // Planned on net's old output, db's plan was denied; the plan it is applied with, made after net changed, is not.
    expect(statuses(stale!)['db']).toBe('denied');
    expect(statuses(applied!)).toEqual({ net: 'succeeded', cache: 'unchanged', db: 'succeeded', app: 'succeeded' });
    expect(state('db')).toContain('"fine"');
  });

  it('destroy: a run policy deny destroys nothing', () => {
    const result = stackfleet('alice', ['destroy', '--auto-approve', '--stack', 'app', '--json']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('destroy stopped: policies denied the plan');
    expect(splitRuns(result.stdout)).toHaveLength(1);
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(true);
  });

  let destroyRun = '';

  it('destroy: plan policies judge each destroy plan; a denied stack keeps its resources and the stacks it needs; one awaiting approval waits', () => {
    const result = stackfleet('alice', ['destroy', '--auto-approve', '--json']);
    expect(result.code, result.stderr).toBe(3);
    const [planning, destroying] = splitRuns(result.stdout);
    // (db and cache plan side by side: their decisions come in either order.)
    expect(messagesOf(planning!).sort()).toEqual([
      'deny deleting a production database is not allowed (destroy)',
      'require_approval destroying the cache needs a review',
      'warn destroy of app,cache,db,net',
    ]);
    expect(destroying![0]).toMatchObject({ command: 'destroy' });
    // Reverse order: app first; net waits for db, which is denied.
    expect(statuses(destroying!)).toEqual({ app: 'succeeded', db: 'denied', cache: 'awaiting_approval', net: 'skipped' });
    expect(finishedEvent(destroying!, 'net')).toMatchObject({ reason: 'dependency db was denied by policy' });
    expect(existsSync(join(dir, 'app', 'applied'))).toBe(false);
    expect(state('db')).toContain('terraform_data');
    expect(state('net')).toContain('terraform_data');
    expect(state('cache')).toContain('terraform_data');
    destroyRun = String(destroying![0]!['runId']);
    expect(result.stderr).toContain(`stackfleet approve ${destroyRun}`);
  });

  it('approve + resume destroys the approved stack with its saved plan; the denied one and what it needs stay', () => {
    expect(stackfleet('bob', ['approve', destroyRun, '--stack', 'cache']).code).toBe(0);
    const resumed = stackfleet('alice', ['resume', destroyRun, '--json']);
    expect(resumed.code, resumed.stderr).toBe(3);
    expect(statuses(parseJsonLines(resumed.stdout))).toEqual({ cache: 'succeeded', net: 'skipped' });
    expect(state('cache')).not.toContain('terraform_data');
    expect(state('db')).toContain('terraform_data');
    expect(state('net')).toContain('terraform_data');
  });
});
