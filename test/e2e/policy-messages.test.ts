import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet, type CliResult } from '../support/cli.js';

/** What a hostile (or careless) exec policy says: a forged line and a colour escape. */
const HOSTILE = 'line1\nFAKE: all good\u001b[31mRED';
/** The same as a terminal shows it: one line, the escape spelt out. */
const SHOWN = 'line1⏎FAKE: all good\\u001b[31mRED';

const MANIFEST = `version: 1
stacks:
  db:
    path: db
    runner: command
    drift: { remediate: true }
    commands: { plan: "exit 2", apply: "echo applied" }
  evil:
    path: evil
    runner: command
    commands: { plan: "exit 2", apply: "echo applied" }
policies:
  - file: policies/hostile.policy.yaml
    stacks: evil
  - file: policies/review.policy.yaml
    stacks: db
`;
const HOSTILE_POLICY = `kind: plan
engine: exec
command: ./hostile.sh
`;
// The JSON string escapes (\\n, \\u001b) decode to the raw characters.
const HOSTILE_SH = `#!/bin/sh
cat > /dev/null
printf '%s\\n' '{"deny": ["line1\\nFAKE: all good\\u001b[31mRED"]}'
`;
const REVIEW = `kind: plan
rules:
  - name: review
    effect: require_approval
    when: input.changes.total > 0.0
    message: '"db changes need a review"'
`;

/** Nothing a policy said reached the terminal raw: no escape character, no line it forged. */
function expectNeutralized(result: CliResult): void {
  const text = result.stdout + result.stderr;
  expect(text).not.toContain('\u001b');
  expect(text.split('\n').filter((line) => line.startsWith('FAKE'))).toEqual([]);
}

describe('policy messages in human output, approvals of runs they cannot change', () => {
  let dir: string;
  let cleanup: () => void;
  let applyRun = '';
  const stackfleet = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor } });

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-messages-'));
    for (const sub of ['db', 'evil', 'policies']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
    writeFileSync(join(dir, 'policies', 'hostile.policy.yaml'), HOSTILE_POLICY);
    writeFileSync(join(dir, 'policies', 'hostile.sh'), HOSTILE_SH);
    chmodSync(join(dir, 'policies', 'hostile.sh'), 0o755);
    writeFileSync(join(dir, 'policies', 'review.policy.yaml'), REVIEW);
  });
  afterAll(() => cleanup());

  it('prints an exec policy message as one escaped line: in the stack lines, the summary table and the policies list', () => {
    const apply = stackfleet('alice', 'apply', '--auto-approve');
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    expectNeutralized(apply);
    expect(apply.stdout).toContain(`evil | deny: ${SHOWN} (hostile/exec)\n`);
    expect(apply.stdout).toContain(`evil | ⊘ denied in`);
    expect(apply.stdout).toMatch(new RegExp(`^evil +denied +\\S+ +denied by policy: line1⏎FAKE: all good\\\\u001b\\[31mRED$`, 'm'));
    expect(apply.stdout).toContain(`  evil: deny: ${SHOWN} (hostile/exec)\n`);
    applyRun = /stackfleet approve (\S+)/.exec(apply.stderr)?.[1] ?? '';
    expect(applyRun).not.toBe('');

    const show = stackfleet('alice', 'show', applyRun);
    expect(show.code, show.stderr).toBe(0);
    expectNeutralized(show);
    expect(show.stdout).toContain(`  evil: deny: ${SHOWN} (hostile/exec)\n`);
  });

  it('keeps the exact message in NDJSON and in the store (show --json)', () => {
    const plan = stackfleet('alice', 'plan', '--json');
    const decision = parseJsonLines(plan.stdout).find((event) => event.type === 'policy.evaluated' && event.stack === 'evil');
    expect(decision?.['message']).toBe(HOSTILE);
    const show = JSON.parse(stackfleet('alice', 'show', applyRun, '--json').stdout) as { policyDecisions: { stack: string; message: string }[] };
    expect(show.policyDecisions.find((stored) => stored.stack === 'evil')?.message).toBe(HOSTILE);
  });

  it("records the actor's approval of their own run with a note that default approvers do not count it", () => {
    const own = stackfleet('alice', 'approve', applyRun);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toContain(`approved run ${applyRun} as alice (from STACKFLEET_ACTOR)`);
    expect(own.stdout).toContain(`note: alice started run ${applyRun}: rules with default approvers (anyone but the run's actor) do not count this approval`);
    // Not counted: resume asks the policies again, and db still waits.
    const still = stackfleet('alice', 'resume', applyRun);
    expect(still.code, still.stdout + still.stderr).toBe(3);
    expect(still.stdout).toContain('db   | require_approval: db changes need a review (review/review)\n');
    const other = stackfleet('bob', 'approve', applyRun, '--stack', 'db');
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).not.toContain('note:');
  });

  it('says who satisfied a require_approval in the run summary and in show, and lists a repeated decision once with ×N', () => {
    const resumed = stackfleet('alice', 'resume', applyRun);
    // evil stays denied: the run ends denied (exit 3), db is applied.
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(3);
    expect(resumed.stdout).toMatch(/^db +succeeded/m);
    expect(resumed.stdout).toContain('db   | require_approval: db changes need a review (review/review), approved by bob\n');
    expect(resumed.stdout).toContain('  db: require_approval: db changes need a review (review/review), approved by bob\n');

    const show = stackfleet('alice', 'show', applyRun);
    const listed = show.stdout.slice(show.stdout.indexOf('policy decisions:'), show.stdout.indexOf('approvals:')).trimEnd().split('\n');
    // db and evil are judged at once: their order is not fixed, db's own order is.
    expect(listed.filter((line) => line.startsWith('  db:'))).toEqual([
      '  db: require_approval: db changes need a review (review/review) ×2',
      '  db: require_approval: db changes need a review (review/review), approved by bob',
    ]);
    expect(listed.filter((line) => !line.startsWith('  db:'))).toEqual(['policy decisions:', `  evil: deny: ${SHOWN} (hostile/exec)`]);
    // NDJSON and show --json keep one entry per evaluation.
    const stored = (JSON.parse(stackfleet('alice', 'show', applyRun, '--json').stdout) as { policyDecisions: { stack: string; approvedBy?: string[] }[] }).policyDecisions;
    expect(stored.filter((decision) => decision.stack === 'db').map((decision) => decision.approvedBy ?? [])).toEqual([[], [], ['bob']]);
  });

  it('reports a remediation the policies hold back once ("Remediation: awaiting approval"), and drift --history keeps the reason out of CHANGES', () => {
    const drift = stackfleet('alice', 'drift', '--remediate', '--stack', 'db', '--report', 'drift.md', '--json');
    expect(drift.code, drift.stderr).toBe(2);
    const runId = String(parseJsonLines(drift.stdout).find((event) => event.type === 'run.started')?.['runId']);
    const report = readFileSync(join(dir, 'drift.md'), 'utf8');
    expect(report).toContain('\nRemediation: awaiting approval: db changes need a review\n');
    expect(report).not.toMatch(/Remediation: remediation/);
    const history = stackfleet('alice', 'drift', '--history', 'db');
    expect(history.stdout.split('\n')[0]).toMatch(/CHANGES +RUN +DETAIL$/);
    expect(history.stdout).toMatch(new RegExp(`^\\S+ +db +drifted +drifted +${runId} +remediation awaiting approval: db changes need a review$`, 'm'));
  });
});

describe('approve refuses runs an approval cannot change', () => {
  let dir: string;
  let cleanup: () => void;
  const stackfleet = (...args: string[]) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: 'bob' } });
  const runIdOf = (stdout: string) => String(parseJsonLines(stdout).find((event) => event.type === 'run.started')?.['runId']);

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-approve-finished-'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      `version: 1\nstacks:\n  app:\n    path: app\n    runner: command\n    commands: { plan: "exit 2", apply: "echo applied" }\n`,
    );
  });
  afterAll(() => cleanup());

  it('refuses a succeeded apply, a finished drift sweep and a plan run without saved plans (exit 1, what and why)', () => {
    const apply = runIdOf(stackfleet('apply', '--auto-approve', '--json').stdout);
    const refused = stackfleet('approve', apply);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`run ${apply} is an apply run that already finished (succeeded): nothing is left for an approval to allow`);
    expect(refused.stderr).toContain('an approval counts only in the run it is given to');
    expect(refused.stdout).not.toContain('approved');

    const drift = runIdOf(stackfleet('drift', '--stack', 'app', '--json').stdout);
    const driftRefused = stackfleet('approve', drift, '--stack', 'app');
    expect(driftRefused.code).toBe(1);
    expect(driftRefused.stderr).toContain(`run ${drift} is a drift sweep that already finished`);

    const plan = runIdOf(stackfleet('plan', '--json').stdout);
    const planRefused = stackfleet('approve', plan);
    expect(planRefused.code).toBe(1);
    expect(planRefused.stderr).toContain(`run ${plan} is a plan run without saved plans: it applies nothing, so an approval of it changes nothing`);

    // Nothing was recorded for any of them.
    for (const run of [apply, drift, plan]) {
      expect((JSON.parse(stackfleet('show', run, '--json').stdout) as { approvals: unknown[] }).approvals).toEqual([]);
    }
  });

  it('approves a plan --save run while its plans are left, and refuses it once they were applied', () => {
    const saved = runIdOf(stackfleet('plan', '--save', '--json').stdout);
    const approved = stackfleet('approve', saved);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`apply its plans with: stackfleet apply --from-plan ${saved}`);
    const applied = stackfleet('apply', '--from-plan', saved, '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const again = stackfleet('approve', saved);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`run ${saved} has no saved plans left (they were applied): an approval of it changes nothing`);
  });
});

/** Every file under `dir` (the store, its WAL, the run logs) as bytes. */
function readAllFiles(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)));
}

describe('secrets in what policies print and approvers write; logins whatever their case', () => {
  const SECRET = 'hunter2-SECRETVALUE-42';
  let dir: string;
  let out: string;
  let cleanup: () => void;
  let runId = '';
  const stackfleet = (actor: string, ...args: string[]) =>
    runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor, E2E_LEAK_PASSWORD: SECRET, STACKFLEET_E2E_OUT: out } });
  const decisionsOf = (stdout: string) =>
    parseJsonLines(stdout).filter((event) => event.type === 'policy.evaluated') as { rule: string; message: string; approvedBy?: string[] }[];

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-secrets-'));
    out = join(dir, 'out');
    for (const sub of ['db', 'policies', 'out']) mkdirSync(join(dir, sub));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      `version: 1
teams: { dba: [bob, carol] }
contexts:
  prod:
    attachTo: { labels: [prod] }
    secrets: { DB_PASS: { fromEnv: E2E_LEAK_PASSWORD } }
stacks:
  db:
    path: db
    runner: command
    labels: [prod]
    commands: { plan: "exit 2", apply: "echo applied" }
policies:
  - file: policies/leak.policy.yaml
  - file: policies/review.policy.yaml
`,
    );
    writeFileSync(join(dir, 'policies', 'leak.policy.yaml'), 'kind: plan\nengine: exec\ncommand: ./leak.sh\n');
    // Records its stdin, and names its rule after a file that holds the secret (as a careless policy could).
    writeFileSync(
      join(dir, 'policies', 'leak.sh'),
      `#!/bin/sh
cat >> "$STACKFLEET_E2E_OUT/stdin.jsonl"
echo >> "$STACKFLEET_E2E_OUT/stdin.jsonl"
printf '{"warn": [{"msg": "rule leaks", "rule": "r-%s"}]}' "$(cat "$STACKFLEET_E2E_OUT/leak")"
`,
    );
    chmodSync(join(dir, 'policies', 'leak.sh'), 0o755);
    writeFileSync(join(out, 'leak'), SECRET);
    writeFileSync(
      join(dir, 'policies', 'review.policy.yaml'),
      `kind: plan
rules:
  - name: review
    effect: require_approval
    when: "true"
    message: '"needs a review"'
  - name: dbas
    effect: require_approval
    when: "true"
    approvals: 2
    approvers: ["team:dba"]
    message: '"needs two DBAs"'
`,
    );
  });
  afterAll(() => cleanup());

  it("masks a secret in an exec policy's rule name in the terminal and in NDJSON", () => {
    const apply = stackfleet('alice', 'apply', '--auto-approve');
    runId = /stackfleet approve (\S+)/.exec(apply.stderr)?.[1] ?? '';
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    expect(runId).not.toBe('');
    expect(apply.stdout).toContain('db   | warn: rule leaks (leak/r-***)\n');
    expect(apply.stdout).toContain('  db: warn: rule leaks (leak/r-***)\n');
    expect(apply.stdout + apply.stderr).not.toContain(SECRET);
    const plan = stackfleet('alice', 'plan', '--json');
    expect(decisionsOf(plan.stdout).find((decision) => decision.message === 'rule leaks')?.rule).toBe('r-***');
    expect(plan.stdout + plan.stderr).not.toContain(SECRET);
  });

  it("does not count Alice's approval of alice's run, and says so", () => {
    const own = stackfleet('Alice', 'approve', runId, '--comment', `pw is ${SECRET}`);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toContain(`note: alice started run ${runId}: rules with default approvers (anyone but the run's actor) do not count this approval`);
    const resumed = stackfleet('alice', 'resume', runId, '--json');
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(3);
    expect(decisionsOf(resumed.stdout).find((decision) => decision.rule === 'review')).not.toHaveProperty('approvedBy');
  });

  it('counts Bob and bob as one DBA, and applies once CAROL approved too', () => {
    expect(stackfleet('Bob', 'approve', runId).code).toBe(0);
    expect(stackfleet('bob', 'approve', runId, '--stack', 'db').code).toBe(0);
    const waiting = stackfleet('alice', 'resume', runId, '--json');
    expect(waiting.code, waiting.stdout + waiting.stderr).toBe(3);
    expect(decisionsOf(waiting.stdout).find((decision) => decision.rule === 'review')?.approvedBy).toEqual(['Bob']);
    expect(decisionsOf(waiting.stdout).find((decision) => decision.rule === 'dbas')).not.toHaveProperty('approvedBy');
    expect(stackfleet('CAROL', 'approve', runId).code).toBe(0);
    const applied = stackfleet('alice', 'resume', runId, '--json');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(decisionsOf(applied.stdout).find((decision) => decision.rule === 'dbas')?.approvedBy).toEqual(['Bob', 'CAROL']);
  });

  it("never lets the secret reach the exec policy's stdin, show, show --json or any file of the store", () => {
    const stdin = readFileSync(join(out, 'stdin.jsonl'), 'utf8');
    expect(stdin).toContain('"comment":"pw is ***"');
    expect(stdin).not.toContain(SECRET);
    const show = stackfleet('alice', 'show', runId);
    expect(show.stdout).toContain('db: warn: rule leaks (leak/r-***)');
    expect(show.stdout).toMatch(/\(run\): Alice at \S+ — pw is \*\*\*/);
    expect(show.stdout).not.toContain(SECRET);
    expect(stackfleet('alice', 'show', runId, '--json').stdout).not.toContain(SECRET);
    const files = readAllFiles(join(dir, '.stackfleet'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((bytes) => bytes.includes(SECRET))).toEqual([]);
  });

  it("masks a comment stored by an approver who could not read the secret: in show, and out of the exec policy's stdin", () => {
    const apply = stackfleet('alice', 'apply', '--auto-approve');
    const again = /stackfleet approve (\S+)/.exec(apply.stderr)?.[1] ?? '';
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    // dave's environment lacks the secret's variable: approve stores what it cannot recognise as it is.
    const dave = runStackfleet(['approve', again, '--comment', `pw is ${SECRET}`], { cwd: dir, env: { STACKFLEET_ACTOR: 'dave' } });
    expect(dave.code, dave.stderr).toBe(0);
    const show = stackfleet('alice', 'show', again);
    expect(show.stdout).toMatch(/\(run\): dave at \S+ — pw is \*\*\*/);
    expect(show.stdout).not.toContain(SECRET);
    expect(stackfleet('alice', 'show', again, '--json').stdout).not.toContain(SECRET);
    writeFileSync(join(out, 'stdin.jsonl'), '');
    expect(stackfleet('alice', 'resume', again).code).toBe(3);
    const stdin = readFileSync(join(out, 'stdin.jsonl'), 'utf8');
    expect(stdin).toMatch(/"by":"dave","at":"[^"]+","comment":"<sensitive:[0-9a-f]{12}>"/);
    expect(stdin).not.toContain(SECRET);
  });
});
