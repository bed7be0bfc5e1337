// Issue #6 benchmark: the same real run of 2,000 command stacks (`true`,
// random DAG, -j 8), once headless (plain CI reporter) and once through the
// ink live run view in a (simulated) terminal. Target: UI <= 1.1x headless
// (issue #17; it was 1.2x in issue #6).
import { setAside } from './lib/set-aside.mjs';
import { dirname, join } from 'node:path';
import { generateDag } from './lib/generate-dag.mjs';
import { fmt, median, timeCommand } from './lib/measure.mjs';
import { writeCommandFleet } from './lib/write-fleet.mjs';

const root = new URL('..', import.meta.url).pathname;
const count = Number(process.env.BENCH_TUI_STACKS ?? 2000);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const manifest = writeCommandFleet(join(root, `bench/.work/tui-${count}`), generateDag(count, { edges: 3, seed: 11 }), { command: 'true', concurrency: 8 });
const stateDir = join(dirname(manifest), '.stackfleet');

function measure(script) {
  setAside(stateDir);
  const run = timeCommand(['node', join(root, 'bench/lib', script), 'apply', '--auto-approve', '-j', '8', '-f', manifest], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  const inner = JSON.parse(run.stderr.trim().split('\n').filter((line) => line.startsWith('{')).pop() ?? '{}');
  if (run.code !== 0 || inner.code !== 0) throw new Error(`${script} failed:\n${run.stderr.slice(-3000)}`);
  // CPU time (user + system, the stacks' processes included) moves far less
  // than wall time when other work shares the machine.
  return { ms: inner.ms, cpuMs: run.cpuMs ?? Number.NaN };
}

const headless = [];
const ui = [];
for (let i = 0; i < repeats; i += 1) {
  headless.push(measure('measure-cli.mjs'));
  ui.push(measure('measure-cli-tty.mjs'));
}
const a = median(headless.map((run) => run.ms));
const b = median(ui.map((run) => run.ms));
const cpuA = median(headless.map((run) => run.cpuMs));
const cpuB = median(ui.map((run) => run.cpuMs));
console.log(`## terminal UI: ${count} command stacks, -j 8, the same run headless vs through the ink live view`);
console.log(`headless ${fmt(a)} | ink UI ${fmt(b)} | ratio UI/headless = ${(b / a).toFixed(2)} (target <= 1.1: ${b / a <= 1.1 ? 'met' : 'MISSED'})`);
console.log(`cpu: headless ${fmt(cpuA)} | ink UI ${fmt(cpuB)} | ratio ${(cpuB / cpuA).toFixed(2)}`);
