#!/usr/bin/env node
// Benchmark (issue #13): the wall time policies add to a 500-stack apply.
// The same fleet of command stacks (`commands.plan: exit 2`, `apply: true`,
// random DAG, ~3 edges each, -j 8) applied without policies and with a
// 10-rule `kind: plan` CEL policy plus a `kind: access` policy, interleaved
// round by round so machine load hits both alike. With the plan policy the
// apply plans every stack first (a saved plan run), then applies those plans
// (each checked again before its apply): the cost of that second pass is
// part of what policies add. Target: < 10 % added wall time.
// Usage: node bench/policy-run.mjs   (BENCH_STACKS, BENCH_REPEATS)
// Build first: npx tsc -b
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDag } from './lib/generate-dag.mjs';
import { fmt, median, timeCommand } from './lib/measure.mjs';
import { writeCommandFleet } from './lib/write-fleet.mjs';

const root = new URL('..', import.meta.url).pathname;
const work = join(root, 'bench/.work');
const cli = join(root, 'packages/cli/bin/stackfleet.js');
const count = Number(process.env.BENCH_STACKS ?? 500);
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const env = { ...process.env, CI: 'true', NO_COLOR: '1', STACKFLEET_ACTOR: 'bench' };

const RULES = Array.from({ length: 8 }, (_, index) => `  - name: rule-${index}
    effect: warn
    when: input.changes.total > ${index + 5}.0 && input.stack.labels.exists(l, l == "never-${index}")
    message: '"rule ${index}"'`).join('\n');
const PLAN_POLICY = `kind: plan
rules:
${RULES}
  - name: unknown-changes
    effect: deny
    when: '!input.changes.known && input.stack.name == "nobody"'
  - name: actor
    effect: require_approval
    when: input.run.actor.login == "someone-else" && input.changes.total > 0.0
`;
const ACCESS_POLICY = `kind: access
rules:
  - name: bench-only
    effect: deny
    when: input.run.actor.login != "bench"
`;

const nodes = generateDag(count, { edges: 3, seed: 7 });
const write = (name, withPolicies) => {
  const dir = join(work, name);
  const manifest = writeCommandFleet(dir, nodes, { command: 'true', concurrency: 8 });
  // Give every stack a plan phase: the policy gate sits between plan and apply.
  const text = readFileSync(manifest, 'utf8').replaceAll('commands: { apply: "true" }', 'commands: { plan: "exit 2", apply: "true" }');
  writeFileSync(manifest, text);
  if (withPolicies) {
    mkdirSync(join(dir, 'policies'), { recursive: true });
    writeFileSync(join(dir, 'policies', 'plan.policy.yaml'), PLAN_POLICY);
    writeFileSync(join(dir, 'policies', 'access.policy.yaml'), ACCESS_POLICY);
    appendFileSync(manifest, 'policies:\n  - file: policies/plan.policy.yaml\n  - file: policies/access.policy.yaml\n');
  }
  return manifest;
};

const plain = write(`policy-run-off-${count}`, false);
const guarded = write(`policy-run-on-${count}`, true);
const off = [];
const on = [];
for (let round = 0; round < repeats; round += 1) {
  for (const [manifest, into] of [[plain, off], [guarded, on]]) {
    rmSync(join(manifest, '..', '.stackfleet'), { recursive: true, force: true });
    const run = timeCommand(['node', cli, 'apply', '--auto-approve', '--json', '-j', '8', '-f', manifest], { env });
    if (run.code !== 0) throw new Error(`stackfleet failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    // The run itself (run.started -> run.finished), apart from the process's start-up (module loading, git, policy files).
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    // With policies the apply is two runs (every stack planned first, then those plans applied): first start to last finish.
    into.push({ ...run, runMs: Date.parse(events.findLast((event) => event.type === 'run.finished').at) - Date.parse(events.find((event) => event.type === 'run.started').at) });
  }
}
const wall = (runs) => median(runs.map((run) => run.ms));
const cpu = (runs) => median(runs.map((run) => run.cpuMs ?? NaN));
const added = wall(on) / wall(off) - 1;
const runPhase = (runs) => median(runs.map((run) => run.runMs));
const addedInRun = runPhase(on) / runPhase(off) - 1;
console.log(`## policies on a ${count}-stack apply (plan + apply per stack, -j 8), median of ${repeats}`);
console.log(`without policies ${fmt(wall(off))} (CPU ${fmt(cpu(off))}) | with 10 plan rules + access ${fmt(wall(on))} (CPU ${fmt(cpu(on))})`);
console.log(`added wall time ${(added * 100).toFixed(1)} % (target < 10 %: ${added < 0.1 ? 'met' : 'MISSED'}) | added CPU ${((cpu(on) / cpu(off) - 1) * 100).toFixed(1)} %`);
console.log(`the run alone (run.started -> run.finished): ${fmt(runPhase(off))} vs ${fmt(runPhase(on))}, added ${(addedInRun * 100).toFixed(1)} %`);
