/**
 * How the manifest's `policies:` entries and `approve --stack` reach a run,
 * through the real CLI and the real SQLite store: a policy file attached by
 * several entries judges each stack once (and `validate` reports each of its
 * mistakes once); `file:` naming a directory is a manifest error at its
 * line; `approve --stack` is repeatable; `plan --save` says why the plans of
 * a run its run policies denied cannot be applied.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet } from '../support/cli.js';

const STACKS = `stacks:
  db: { path: db, runner: command, labels: [prod], commands: { plan: "exit 2", apply: "touch applied" } }
  net: { path: net, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }
  app: { path: app, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }
`;

/** One file, three entries: db matches all three, net one, app none. */
const ATTACHED_THRICE = `version: 1
${STACKS}policies:
  - { file: policies/review.policy.yaml, stacks: "d*" }
  - { file: policies/review.policy.yaml, labels: [prod] }
  - { file: policies/review.policy.yaml, stacks: "{db,net}" }
`;

const REVIEW = `kind: plan
rules:
  - name: review
    effect: require_approval
    when: input.changes.total > 0.0
    message: '"review " + input.stack.name'
`;

/** Two mistakes: an unknown effect, and a \`(\` the \`|\` block never closes (its last line, line 10, is 33 characters). */
const BROKEN = `kind: plan
rules:
  - name: a
    effect: deni
    when: "true"
  - name: b
    effect: deny
    when: |
      input.changes.total > 0.0 &&
        (input.stack.name == "db"
`;

const DENY_RUN = `kind: run
rules:
  - name: frozen
    effect: deny
    when: size(input.stacks) > 0
    message: '"the fleet is frozen"'
`;

const DENY_DB = `kind: plan
rules:
  - name: no-db
    effect: deny
    when: input.stack.name == "db"
    message: '"not db"'
`;

describe('policy files attached several times, bad file entries, approvals of several stacks', () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir: root, cleanup } = makeTempDir('stackfleet-policy-attachments-'));
  });
  afterAll(() => cleanup());

  function makeFleet(name: string, manifest: string, policies: Record<string, string>) {
    const dir = join(root, name);
    for (const sub of ['db', 'net', 'app', 'policies']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'stacks.yaml'), manifest);
    for (const [file, text] of Object.entries(policies)) writeFileSync(join(dir, 'policies', file), text);
    return { dir, as: (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor } }) };
  }

  it('judges a stack matched by several entries of one file once; approve --stack db --stack net approves both', () => {
    const { as } = makeFleet('thrice', ATTACHED_THRICE, { 'review.policy.yaml': REVIEW });
    const validate = as('alice', 'validate');
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toBe('stacks.yaml: valid (3 stacks, 1 policy)\n');

    const apply = as('alice', 'apply', '--auto-approve');
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    // Once in the plan run, once in the apply run; db not three times, app not at all.
    const decisions = apply.stdout.split('\n').filter((line) => /^\w+ +\| require_approval:/.test(line));
    const judged = ['db   | require_approval: review db (review/review)', 'net  | require_approval: review net (review/review)'];
    expect(decisions).toEqual([...judged, ...judged]);
    const run = /stackfleet approve (\S+)/.exec(apply.stderr)?.[1] ?? '';
    expect(run).not.toBe('');
    const stored = JSON.parse(as('alice', 'show', run, '--json').stdout) as { policyDecisions: { stack: string }[] };
    expect(stored.policyDecisions.map((decision) => decision.stack).sort()).toEqual(['db', 'net']);

    const approve = as('bob', 'approve', run, '--stack', 'db', '--stack', 'net', '--comment', 'both');
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain(`approved db, net in run ${run} as bob (from STACKFLEET_ACTOR)\n`);
    // A glob that matches no stack of the run refuses the whole approval (nothing recorded), even beside one that does.
    const typo = as('carol', 'approve', run, '--stack', 'db', '--stack', 'nte');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(`--stack nte matches no stack of run ${run}`);
    const approvals = (JSON.parse(as('alice', 'show', run, '--json').stdout) as { approvals: { stack: string | null; by: string }[] }).approvals;
    expect(approvals.map((approval) => [approval.stack, approval.by])).toEqual([
      ['db', 'bob'],
      ['net', 'bob'],
    ]);
    const resumed = as('alice', 'resume', run);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^db +succeeded/m);
    expect(resumed.stdout).toMatch(/^net +succeeded/m);
  });

  it("reports each mistake of a file attached several times once, a CEL error at the end of a | block at its last character", () => {
    const { as } = makeFleet('broken', ATTACHED_THRICE, { 'review.policy.yaml': BROKEN });
    const validate = as('alice', 'validate');
    expect(validate.code).toBe(1);
    expect(validate.stderr.match(/^\S+review\.policy\.yaml:\d+:\d+ /gm)).toEqual(['policies/review.policy.yaml:4:13 ', 'policies/review.policy.yaml:10:34 ']);
    expect(validate.stderr).toContain('2 problems found');
  });

  it('rejects a file entry naming a directory (or nothing) at its line in the manifest, and a stacks glob string at policies[N].stacks', () => {
    const manifest = `version: 1
${STACKS}policies:
  - file: ""
  - file: policies/
  - { file: policies/review.policy.yaml, stacks: "db[" }
`;
    const { as } = makeFleet('directory', manifest, { 'review.policy.yaml': REVIEW });
    const glob = as('alice', 'validate');
    expect(glob.code).toBe(1);
    expect(glob.stderr).toContain('stacks.yaml:9:50 policies[2].stacks: "db[" matches no stack');

    writeFileSync(join(root, 'directory', 'stacks.yaml'), manifest.replace(', stacks: "db["', ''));
    const validate = as('alice', 'validate');
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/^stacks\.yaml:7:11 policies\[0\]\.file: file must name a policy file, not a directory \(\S+\)$/m);
    expect(validate.stderr).toMatch(/^stacks\.yaml:8:11 policies\[1\]\.file: file must name a policy file, not a directory \(policies\)$/m);
    expect(validate.stderr).not.toContain('EISDIR');
    expect(validate.stderr).not.toContain('permissions');
  });

  it('plan --save: says that run policies denied the run (its plans cannot be applied); a run with one stack denied by a plan policy is saved', () => {
    const denied = makeFleet('run-denied', `version: 1\n${STACKS}policies:\n  - file: policies/frozen.policy.yaml\n`, { 'frozen.policy.yaml': DENY_RUN });
    const plan = denied.as('alice', 'plan', '--save');
    expect(plan.stdout + plan.stderr).not.toContain('did not plan every stack');
    expect(plan.stdout).not.toContain('saved plan: run');
    const note = /note: run policies denied run (\S+) \(see `stackfleet show \1`\); its plans cannot be applied\n/.exec(plan.stderr);
    expect(note, plan.stdout + plan.stderr).not.toBeNull();
    const apply = denied.as('alice', 'apply', '--from-plan', note![1]!);
    expect(apply.code).toBe(3);
    expect(apply.stderr).toContain(`policies denied run ${note![1]!} as a whole`);

    const partly = makeFleet('db-denied', `version: 1\n${STACKS}policies:\n  - file: policies/no-db.policy.yaml\n`, { 'no-db.policy.yaml': DENY_DB });
    const saved = partly.as('alice', 'plan', '--save');
    expect(saved.stderr).not.toContain('did not plan every stack');
    const savedRun = /^saved plan: run (\S+)$/m.exec(saved.stdout)?.[1];
    expect(savedRun, saved.stdout + saved.stderr).toBeDefined();
    const applied = partly.as('alice', 'apply', '--from-plan', savedRun!);
    // db is denied again; net and app are applied.
    expect(applied.code, applied.stdout + applied.stderr).toBe(3);
    expect(applied.stdout).toMatch(/^net +succeeded/m);
    expect(applied.stdout).toMatch(/^db +denied/m);
  });
});
