// Issue #6 benchmark: the same real run of 2,000 command stacks (`true`,
// random DAG, -j 8), once headless (plain CI reporter) and once through the
// ink live run view in a terminal. Target: UI <= 1.1x headless (issue #17; it
// was 1.2x in issue #6).
//
// Both halves run the CLI's bin as a user does (the bundle after `npm run
// build`, like bench/overhead.mjs): headless with stdout a pipe, the live view
// under a real pseudo-terminal (util-linux `script`, 120x40), which copies
// the terminal's output to a pipe read by this program. BENCH_TUI_IN_PROCESS=1 times the older way
// instead: tsc's modules imported in-process, stdout a simulated terminal
// (bench/lib/measure-cli-tty.mjs), which also loads ink and React from
// node_modules module by module rather than from the UI bundle.
import { setAside } from './lib/set-aside.mjs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { statSync } from 'node:fs';
import { generateDag } from './lib/generate-dag.mjs';
import { fmt, median, timeCommand } from './lib/measure.mjs';
import { writeCommandFleet } from './lib/write-fleet.mjs';

const root = new URL('..', import.meta.url).pathname;
const count = Number(process.env.BENCH_TUI_STACKS ?? 2000);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const inProcess = process.env.BENCH_TUI_IN_PROCESS === '1';
const manifest = writeCommandFleet(join(root, `bench/.work/tui-${count}`), generateDag(count, { edges: 3, seed: 11 }), { command: 'true', concurrency: 8 });
const stateDir = join(dirname(manifest), '.stackfleet');
const bin = join(root, 'packages/cli/bin/stackfleet.js');
const args = ['apply', '--auto-approve', '-j', '8', '-f', manifest];
// The live view only runs outside CI (SPEC: CI gets the plain reporter).
const env = { ...process.env, NO_COLOR: '1' };
delete env.CI;

if (!inProcess) {
  if (spawnSync('script', ['--version'], { encoding: 'utf8' }).status !== 0) throw new Error('bench/tui.mjs needs util-linux `script` for a pseudo-terminal (or BENCH_TUI_IN_PROCESS=1)');
  const bundled = statSync(join(root, 'packages/cli/dist/bundle/main.cjs'), { throwIfNoEntry: false })?.mtimeMs;
  const stale = ['cli', 'core', 'tui', 'runner', 'state'].some((name) => (statSync(join(root, `packages/${name}/dist/.tsbuildinfo`), { throwIfNoEntry: false })?.mtimeMs ?? 0) > (bundled ?? Infinity));
  if (bundled === undefined || stale) console.log('note: the CLI bundle is missing or older than a tsc build (run `npm run build`); timing the unbundled modules');
}

function quote(word) {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

function measureInProcess(script) {
  const run = timeCommand(['node', join(root, 'bench/lib', script), ...args], { env });
  const inner = JSON.parse(run.stderr.trim().split('\n').filter((line) => line.startsWith('{')).pop() ?? '{}');
  if (run.code !== 0 || inner.code !== 0) throw new Error(`${script} failed:\n${run.stderr.slice(-3000)}`);
  return { ms: inner.ms, cpuMs: run.cpuMs ?? Number.NaN };
}

function measureBin(tty) {
  const command = ['node', bin, ...args];
  const argv = tty ? ['script', '-qec', `stty cols 120 rows 40 && exec ${command.map(quote).join(' ')}`, '/dev/null'] : command;
  const run = timeCommand(argv, { env });
  if (run.code !== 0) throw new Error(`${tty ? 'live view' : 'headless'} run failed:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
  if (tty && !run.stdout.includes('run succeeded')) throw new Error(`the live view did not show its summary:\n${run.stdout.slice(-2000)}`);
  return { ms: run.ms, cpuMs: run.cpuMs ?? Number.NaN };
}

function measure(tty) {
  setAside(stateDir);
  // CPU time (user + system, the stacks' processes included) moves far less
  // than wall time when other work shares the machine.
  return inProcess ? measureInProcess(tty ? 'measure-cli-tty.mjs' : 'measure-cli.mjs') : measureBin(tty);
}

const headless = [];
const ui = [];
for (let i = 0; i < repeats; i += 1) {
  headless.push(measure(false));
  ui.push(measure(true));
}
const a = median(headless.map((run) => run.ms));
const b = median(ui.map((run) => run.ms));
const cpuA = median(headless.map((run) => run.cpuMs));
const cpuB = median(ui.map((run) => run.cpuMs));
console.log(`## terminal UI: ${count} command stacks, -j 8, the same run headless vs through the ink live view (${inProcess ? 'in-process, simulated terminal' : 'the bin, in a pseudo-terminal'})`);
console.log(`headless ${fmt(a)} | ink UI ${fmt(b)} | ratio UI/headless = ${(b / a).toFixed(2)} (target <= 1.1: ${b / a <= 1.1 ? 'met' : 'MISSED'})`);
console.log(`cpu: headless ${fmt(cpuA)} | ink UI ${fmt(cpuB)} | ratio ${(cpuB / cpuA).toFixed(2)}`);
