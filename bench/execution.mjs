// Issue #3 benchmarks:
//  A. 500 command stacks running `true`, random DAG (~3 edges each), -j 8:
//     `stackfleet apply` vs `nx run-many` on an Nx workspace with the same DAG
//     and the same command, measured in the same run (target ratio <= 0.5).
//  B. Random DAGs with known durations (sleeps): real makespan / lower bound,
//     lower bound = max(critical path, total work / j) (target <= 1.05), and
//     the simulated level-by-level schedule for comparison.
import { join } from 'node:path';
import { simulateSchedule } from '@stackfleet/core';
import { createRandom, generateDag, measureDag } from './lib/generate-dag.mjs';
import { fmt, median, timeCommand } from './lib/measure.mjs';
import { writeCommandFleet, writeNxWorkspace } from './lib/write-fleet.mjs';

const root = new URL('..', import.meta.url).pathname;
const work = join(root, 'bench/.work');
const cli = join(root, 'packages/cli/bin/stackfleet.js');
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const env = { ...process.env, CI: 'true', NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', NX_TUI: 'false' };

{
  const count = Number(process.env.BENCH_STACKS ?? 500);
  const nodes = generateDag(count, { edges: 3, seed: 7 });
  const fleet = writeCommandFleet(join(work, `exec-${count}`), nodes, { command: 'true', concurrency: 8 });
  const nxDir = join(work, `nx-exec-${count}`);
  writeNxWorkspace(nxDir, nodes, { nodeModules: join(root, 'node_modules'), command: 'true', parallel: 8 });
  const ours = [];
  const theirs = [];
  for (let i = 0; i < repeats; i += 1) {
    const run = timeCommand(['node', cli, 'apply', '--auto-approve', '-j', '8', '-f', fleet], { env });
    if (run.code !== 0) throw new Error(`stackfleet failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    ours.push(run.ms);
    const nx = timeCommand([join(root, 'node_modules/.bin/nx'), 'run-many', '-t', 'deploy', '--parallel=8', '--skip-nx-cache', '--outputStyle=stream'], { cwd: nxDir, env });
    if (nx.code !== 0) throw new Error(`nx failed:\n${nx.stderr.slice(-2000)}`);
    theirs.push(nx.ms);
  }
  const a = median(ours);
  const b = median(theirs);
  console.log('## execution: 500 command stacks (`true`), ~3 edges each, -j 8');
  console.log(`stackfleet apply ${fmt(a)} | nx run-many ${fmt(b)} | ratio stackfleet/nx = ${(a / b).toFixed(2)} (target <= 0.5: ${a / b <= 0.5 ? 'met' : 'MISSED'})`);
}

{
  console.log('\n## scheduling quality: real sleeps, makespan / lower bound');
  const count = Number(process.env.BENCH_SLEEP_STACKS ?? 30);
  const concurrency = 4;
  for (const seed of [1, 2, 3]) {
    const random = createRandom(seed * 101);
    const nodes = generateDag(count, { edges: 2, seed: seed * 13, window: 12 });
    // 0.5-2 s: short for infrastructure (a terraform plan alone takes seconds), long enough
    // that the lower bound is about scheduling, with the per-stack overhead measured below.
    const durations = Object.fromEntries(nodes.map((node) => [node.name, Math.round(500 + random() * 1500)]));
    const fleet = writeCommandFleet(join(work, `sleep-${seed}`), nodes, {
      command: (node) => `sleep ${(durations[node.name] / 1000).toFixed(3)}`,
      concurrency,
    });
    const { criticalPath, totalWork } = measureDag(nodes, (name) => durations[name]);
    const lowerBound = Math.max(criticalPath, totalWork / concurrency);
    const run = timeCommand(['node', cli, 'apply', '--auto-approve', '--json', '-j', String(concurrency), '-f', fleet], { env });
    if (run.code !== 0) throw new Error(`stackfleet failed: ${run.stderr.slice(-2000)}`);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const started = Date.parse(events.find((event) => event.type === 'run.started').at);
    const finished = Date.parse(events.find((event) => event.type === 'run.finished').at);
    const makespan = finished - started;
    const input = {
      stacks: nodes.map((node) => node.name),
      needs: (name) => nodes.find((node) => node.name === name).deps,
      labels: () => [],
      durations,
      concurrency,
      limits: {},
    };
    const levels = simulateSchedule({ ...input, strategy: 'levels' });
    const greedy = simulateSchedule({ ...input, strategy: 'critical-path' });
    console.log(
      `seed ${seed}: ${count} stacks, -j ${concurrency}: lower bound ${fmt(lowerBound)} | stackfleet real ${fmt(makespan)} = ${(makespan / lowerBound).toFixed(3)}x (target <= 1.05: ${makespan / lowerBound <= 1.05 ? 'met' : 'MISSED'}) | simulated critical-path ${(greedy.makespan / lowerBound).toFixed(3)}x | simulated level-by-level ${(levels.makespan / lowerBound).toFixed(3)}x`,
    );
  }
  {
    // Per-stack overhead: a chain of 30 `true` stacks (nothing can overlap), -j 1.
    const chain = Array.from({ length: 30 }, (_, index) => ({ name: `c${String(index).padStart(2, '0')}`, deps: index === 0 ? [] : [`c${String(index - 1).padStart(2, '0')}`] }));
    const fleet = writeCommandFleet(join(work, 'chain-30'), chain, { command: 'true', concurrency: 1 });
    const run = timeCommand(['node', cli, 'apply', '--auto-approve', '--json', '-f', fleet], { env });
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const span = Date.parse(events.find((event) => event.type === 'run.finished').at) - Date.parse(events.find((event) => event.type === 'run.started').at);
    console.log(`per-stack overhead (chain of 30 \`true\` stacks, spawn included): ${(span / 30).toFixed(1)} ms`);
  }
  const big = generateDag(2000, { edges: 3, seed: 99, window: 200 });
  const random = createRandom(5);
  const durations = Object.fromEntries(big.map((node) => [node.name, 1 + Math.floor(random() * 100)]));
  const byName = new Map(big.map((node) => [node.name, node.deps]));
  for (const concurrency of [4, 8, 32]) {
    const input = { stacks: big.map((node) => node.name), needs: (name) => byName.get(name), labels: () => [], durations, concurrency, limits: {} };
    const greedy = simulateSchedule({ ...input, strategy: 'critical-path' });
    const levels = simulateSchedule({ ...input, strategy: 'levels' });
    console.log(
      `simulated 2000 stacks, -j ${concurrency}: critical-path ${(greedy.makespan / greedy.lowerBound).toFixed(3)}x lower bound | level-by-level ${(levels.makespan / levels.lowerBound).toFixed(3)}x`,
    );
  }
}
