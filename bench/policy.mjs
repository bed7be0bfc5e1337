#!/usr/bin/env node
// Benchmark: policy evaluation cost per stack (issue #13): a plan of 200
// resource changes (terraform_data-like, with sensitive values and secrets to
// sanitize) through 10 CEL rules and 2 variables. Baseline, same run:
// JSON.parse of the same `terraform show -json` text, which a run pays anyway.
// Usage: node bench/policy.mjs [--resources N] [--iterations N]
// Build first: npx tsc -b packages/policy
import { performance } from 'node:perf_hooks';
import { buildStackPolicyInput, evaluatePolicy, parsePolicyFile } from '../packages/policy/dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const RESOURCES = option('resources', 200);
const ITERATIONS = option('iterations', 300);
const ACTIONS = [['create'], ['update'], ['delete'], ['delete', 'create'], ['update']];
const TIERS = ['app', 'core', 'data'];

const resourceChanges = Array.from({ length: RESOURCES }, (_, index) => {
  const actions = ACTIONS[index % ACTIONS.length];
  const value = (version) => ({
    id: `id-${index}`,
    input: { tier: TIERS[index % 3], size: `s${version}`, password: `pw-${index}-${version}`, url: `https://token-abc123@host/${index}` },
    output: { tier: TIERS[index % 3], size: `s${version}` },
    triggers_replace: null,
  });
  return {
    address: `module.m${index % 7}.terraform_data.r${index}`,
    module_address: `module.m${index % 7}`,
    mode: 'managed',
    type: 'terraform_data',
    name: `r${index}`,
    provider_name: 'terraform.io/builtin/terraform',
    change: {
      actions,
      before: actions[0] === 'create' ? null : value(1),
      after: actions.length === 1 && actions[0] === 'delete' ? null : value(2),
      after_unknown: {},
      before_sensitive: { input: { password: true } },
      after_sensitive: { input: { password: true } },
    },
  };
});
const planText = JSON.stringify({ format_version: '1.2', resource_changes: resourceChanges, output_changes: { url: { actions: ['update'], before: 'a', after: 'b', before_sensitive: false, after_sensitive: false } } });

const { policy, problems } = parsePolicyFile(
  `kind: plan
params:
  actionWeight: { delete: 10, update: 5, create: 1 }
  tierWeight: { data: 10, core: 5, app: 1 }
  threshold: 49
variables:
  changes: >-
    input.terraform.resource_changes.map(r, {
      "actions": dyn(r.change.actions),
      "tier": dyn(([r.change.after, r.change.before].filter(v,
          v != null && type(v) == map && "input" in v && type(v.input) == map && "tier" in v.input
        ).map(v, string(v.input.tier)) + [""])[0])
    })
  score: >-
    variables.changes.map(c,
      c.actions.map(a, a in params.actionWeight ? double(params.actionWeight[a]) : 0.0).sum()
      * (c.tier in params.tierWeight ? double(params.tierWeight[c.tier]) : 1.0)).sum()
rules:
  - { name: blast-radius, effect: require_approval, when: variables.score > double(params.threshold), message: '"blast radius " + string(variables.score)' }
  - { name: no-data-delete, effect: deny, when: 'variables.changes.exists(c, c.tier == "data" && "delete" in c.actions)' }
  - { name: replacements, effect: warn, when: input.changes.replace > 0.0 }
  - { name: many-deletes, effect: deny, when: input.changes.destroy > 100.0 }
  - { name: prod-label, effect: warn, when: '"prod" in input.stack.labels' }
  - { name: module-m3, effect: warn, when: 'input.terraform.resource_changes.exists(r, r.module_address == "module.m3" && "update" in r.change.actions)' }
  - { name: all-builtin, effect: deny, when: '!input.terraform.resource_changes.all(r, r.provider_name.startsWith("terraform.io/"))' }
  - { name: size-change, effect: warn, when: 'input.terraform.resource_changes.filter(r, r.change.after != null && r.change.before != null && r.change.after.input.size != r.change.before.input.size).size() > 10' }
  - { name: sensitive-change, effect: warn, when: 'input.terraform.resource_changes.exists(r, r.change.after != null && r.change.before != null && r.change.after.input.password != r.change.before.input.password)' }
  - { name: actor, effect: require_approval, when: 'input.run.actor.login == "intern" && input.changes.total > 0.0' }
`,
  { source: 'bench.policy.yaml' },
);
if (!policy) throw new Error(JSON.stringify(problems, null, 2));

const run = { id: 'bench', command: 'apply', type: 'tracked', actor: { login: 'ci', name: 'ci', source: 'bench', teams: [] }, branch: null, commit: null };
const stack = { name: 'big', labels: ['prod'], repo: null, path: 'big', runner: 'terraform' };
const secrets = ['token-abc123', { nested: 'another-secret' }];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p95 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];
/**
 * Wall and CPU time per call. CPU time (process.cpuUsage) is what to judge
 * on a shared machine: wall time also counts the time other processes had
 * the cores. `prepare` runs outside the timing (a fresh document each time:
 * evaluating the same object again would flatter the figures).
 */
async function measure(fn, prepare = () => undefined) {
  for (let index = 0; index < 30; index += 1) await fn(prepare());
  const wall = [];
  const cpu = [];
  for (let index = 0; index < ITERATIONS; index += 1) {
    const prepared = prepare();
    const startCpu = process.cpuUsage();
    const start = performance.now();
    await fn(prepared);
    wall.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

// The runner parses `show -json` anyway (its change summary); policies add the build and the evaluation.
let decisions = [];
const show = JSON.parse(planText);
const buildInput = () => buildStackPolicyInput({ run, stack, plan: { runner: 'terraform', show }, secrets });
const baseline = await measure(() => JSON.parse(planText));
const build = await measure(buildInput);
const evaluate = await measure(async (input) => {
  decisions = await evaluatePolicy(policy, input);
}, buildInput);
const total = await measure(async () => {
  await evaluatePolicy(policy, buildInput());
});

const fmt = (value) => `${value.toFixed(2)} ms`;
const kept = buildInput().terraform.resource_changes.length;
console.log(`plan: ${RESOURCES} resource changes (${kept} after dropping no-ops), ${(planText.length / 1024).toFixed(0)} KiB; policy: 10 rules, 2 variables; ${ITERATIONS} iterations; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
console.log(`decisions: ${decisions.map((decision) => `${decision.effect} ${decision.rule}`).join(', ')}`);
console.log('| step | CPU median | CPU p95 | wall median | x JSON.parse of the plan (CPU) |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, times] of [['JSON.parse of the plan (baseline)', baseline], ['build + sanitize the input', build], ['evaluate 10 rules', evaluate], ['per stack: build + evaluate', total]]) {
  console.log(`| ${name} | ${fmt(median(times.cpu))} | ${fmt(p95(times.cpu))} | ${fmt(median(times.wall))} | ${(median(times.cpu) / median(baseline.cpu)).toFixed(1)} |`);
}
console.log(`target: < 5 ms per stack (CPU median): ${median(total.cpu) < 5 ? 'met' : 'NOT met'}`);
