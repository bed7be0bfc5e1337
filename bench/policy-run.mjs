#!/usr/bin/env node
// Benchmark (issue #13): the wall time policies add to a 500-stack apply.
// The same fleet of command stacks (`commands.plan: exit 2`, `apply: true`,
// random DAG, ~3 edges each, -j 8) applied without policies and with a
// 10-rule `kind: plan` CEL policy plus a `kind: access` policy, interleaved
// round by round so machine load hits both alike.
//
// Two comparisons:
// - the row: `apply --auto-approve` without policies (one pass: each
//   stack plans and applies, then the next) against the same command with
//   policies, which plans every stack first (a plan run that saves the
//   plans), then applies exactly those plans (a second run over the DAG, each
//   stack judged again before its apply), as issue #13 requires. The second
//   walk of the DAG is part of what policies add here, whatever they cost.
// - the fair row: the plan-first flow on both sides, `plan --save` then
//   `apply --from-plan RUN`, without and with the same policies: what the
//   policies themselves add (input, evaluation, approvals, decisions).
// Target: < 10 % added wall time.
// Each round runs the four flows in a rotated order (round r starts with flow r), so no flow always
// follows the same one, and each comparison is also given as the median of the rounds' own ratios
// (with their range): the machine's speed drifts by more than the effect between rounds.
// BENCH_SLEEP=S makes every plan and apply command sleep S seconds first (stacks that do some work,
// unlike the `true` of the default fleet, where orchestration is most of each stack's time).
// Usage: node bench/policy-run.mjs   (BENCH_STACKS, BENCH_REPEATS, BENCH_SLEEP)
// Build first: npm run build (or npx tsc -b, then node packages/cli/scripts/bundle-cli.mjs)
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { generateDag } from './lib/generate-dag.mjs';
import { fmt, median, timeCommand } from './lib/measure.mjs';
import { setAside } from './lib/set-aside.mjs';
import { writeCommandFleet } from './lib/write-fleet.mjs';

const root = new URL('..', import.meta.url).pathname;
const work = join(root, 'bench/.work');
const cli = join(root, 'packages/cli/bin/stackfleet.js');
const count = Number(process.env.BENCH_STACKS ?? 500);
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const sleep = Number(process.env.BENCH_SLEEP ?? 0);
const perCommand = sleep > 0 ? `sleep ${sleep}; ` : '';
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
const write = (name, withPolicies, stacks = nodes) => {
  const dir = join(work, name);
  const manifest = writeCommandFleet(dir, stacks, { command: 'true', concurrency: 8 });
  // Give every stack a plan phase: the policy gate sits between plan and apply.
  const text = readFileSync(manifest, 'utf8').replaceAll('commands: { apply: "true" }', `commands: { plan: "${perCommand}exit 2", apply: "${perCommand}true" }`);
  writeFileSync(manifest, text);
  // The policy files sit in both fleets: every stack lives in the fleet root (`path: .`), and a saved
  // plan's fingerprint hashes every file of its stack's directory, so files in one fleet only would be
  // hashed on one side only (`plan --save` and `apply --from-plan` read each stack's directory). Only
  // the manifest's `policies:` differs.
  mkdirSync(join(dir, 'policies'), { recursive: true });
  writeFileSync(join(dir, 'policies', 'plan.policy.yaml'), PLAN_POLICY);
  writeFileSync(join(dir, 'policies', 'access.policy.yaml'), ACCESS_POLICY);
  if (withPolicies) appendFileSync(manifest, 'policies:\n  - file: policies/plan.policy.yaml\n  - file: policies/access.policy.yaml\n');
  return manifest;
};

const suffix = sleep > 0 ? `-sleep${sleep}` : '';
const plain = write(`policy-run-off-${count}${suffix}`, false);
const guarded = write(`policy-run-on-${count}${suffix}`, true);

const cliRun = (argv, manifest) => {
  const run = timeCommand(['node', cli, ...argv, '--json', '-j', '8', '-f', manifest], { env });
  if (run.code !== 0) throw new Error(`stackfleet ${argv.join(' ')} failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  return { ...run, events: run.stdout.trim().split('\n').map((line) => JSON.parse(line)) };
};
// `apply --auto-approve`: one run, or (judged by policies) a plan run and the run that applies its plans.
const applyOnce = (manifest) => {
  const run = cliRun(['apply', '--auto-approve'], manifest);
  // The run itself (first run.started -> last run.finished), apart from the process's start-up (module loading, git, policy files).
  const runMs = Date.parse(run.events.findLast((event) => event.type === 'run.finished').at) - Date.parse(run.events.find((event) => event.type === 'run.started').at);
  return { ms: run.ms, cpuMs: run.cpuMs, runMs };
};
// The plan-first flow as two commands: `plan --save`, then `apply --from-plan` of its run.
const planThenApplySaved = (manifest) => {
  const plan = cliRun(['plan', '--save'], manifest);
  const runId = plan.events.find((event) => event.type === 'run.started').runId;
  const apply = cliRun(['apply', '--from-plan', runId], manifest);
  return { ms: plan.ms + apply.ms, cpuMs: plan.cpuMs + apply.cpuMs };
};

const flows = [
  ['off', plain, applyOnce],
  ['on', guarded, applyOnce],
  ['savedOff', plain, planThenApplySaved],
  ['savedOn', guarded, planThenApplySaved],
];
// Once each on a 5-stack copy first, unmeasured: V8's compile cache (bin/stackfleet.js) then holds every
// flow's code, as it does for someone who ran these commands before, whichever flow happens to run first.
const few = generateDag(5, { edges: 2, seed: 7 });
const warm = { off: write('policy-run-off-warm', false, few), on: write('policy-run-on-warm', true, few) };
for (const [, fleet, measure] of flows) {
  const manifest = fleet === plain ? warm.off : warm.on;
  setAside(join(manifest, '..', '.stackfleet'));
  measure(manifest);
}
const results = Object.fromEntries(flows.map(([name]) => [name, []]));
for (let round = 0; round < repeats; round += 1) {
  for (let step = 0; step < flows.length; step += 1) {
    const [name, manifest, measure] = flows[(round + step) % flows.length];
    setAside(join(manifest, '..', '.stackfleet'));
    results[name][round] = measure(manifest);
  }
}
const wall = (runs) => median(runs.map((run) => run.ms));
const cpu = (runs) => median(runs.map((run) => run.cpuMs ?? NaN));
const percent = (ratio) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`;
const compare = (label, without, withPolicies) => {
  const added = wall(withPolicies) / wall(without) - 1;
  const ratios = without.map((run, round) => withPolicies[round].ms / run.ms).sort((a, b) => a - b);
  console.log(`${label}: without policies ${fmt(wall(without))} (CPU ${fmt(cpu(without))}) | with 10 plan rules + access ${fmt(wall(withPolicies))} (CPU ${fmt(cpu(withPolicies))})`);
  console.log(`  added wall time ${percent(added + 1)} (target < 10 %: ${added < 0.1 ? 'met' : 'MISSED'}) | added CPU ${percent(cpu(withPolicies) / cpu(without))}`);
  console.log(`  per round: median ${percent(median(ratios))}, range ${percent(ratios[0])} .. ${percent(ratios.at(-1))}`);
};
const { off, on, savedOff, savedOn } = results;
const runPhase = (runs) => median(runs.map((run) => run.runMs));
const commandWork = sleep > 0 ? `each command sleeps ${sleep} s, ` : '';
console.log(`## policies on a ${count}-stack apply (plan + apply per stack, ${commandWork}-j 8), median of ${repeats}, load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
compare('issue row, apply --auto-approve (one pass without policies; plan run + apply run with them)', off, on);
console.log(`  the runs alone (first run.started -> last run.finished): ${fmt(runPhase(off))} vs ${fmt(runPhase(on))}, added ${percent(runPhase(on) / runPhase(off))}`);
compare('fair row, plan --save + apply --from-plan on both sides', savedOff, savedOn);
