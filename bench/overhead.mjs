// Issue #17 benchmark, per-stack overhead: `stackfleet apply` of 500 command
// stacks running `true` (random DAG, ~3 edges each, -j 8) against its floor,
// a node process spawning `sh -c true` 500 times with at most 8 at once and
// nothing else (no DAG, no store, no logs), measured in the same run, round
// after round and interleaved, so machine load hits both alike. Wall and CPU
// time (user + system of the whole process tree, from GNU time) are printed;
// target: wall ≤ 2× the floor.
import { setAside } from './lib/set-aside.mjs';
import { join } from 'node:path';
import { generateDag } from './lib/generate-dag.mjs';
import { fmt, median, timeCommand } from './lib/measure.mjs';
import { writeCommandFleet } from './lib/write-fleet.mjs';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'packages/cli/bin/stackfleet.js');
const rounds = Number(process.env.BENCH_REPEATS ?? 3);
const count = Number(process.env.BENCH_STACKS ?? 500);
const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
const dir = join(root, `bench/.work/overhead-${count}`);
const fleet = writeCommandFleet(dir, generateDag(count, { edges: 3, seed: 7 }), { command: 'true', concurrency: 8 });

const floorScript = `
const { spawn } = require('node:child_process');
let started = 0, running = 0;
const next = () => {
  while (running < 8 && started < ${count}) {
    started += 1; running += 1;
    spawn('sh', ['-c', 'true'], { stdio: 'ignore' }).on('exit', () => { running -= 1; next(); });
  }
};
next();`;

const floor = { wall: [], cpu: [] };
const ours = { wall: [], cpu: [] };
for (let round = 0; round < rounds; round += 1) {
  const base = timeCommand(['node', '-e', floorScript], { env });
  if (base.code !== 0) throw new Error(`floor failed: ${base.stderr}`);
  floor.wall.push(base.ms);
  floor.cpu.push(base.cpuMs ?? Number.NaN);
  // A fresh state directory each round: every round applies all stacks.
  setAside(join(dir, '.stackfleet'));
  const run = timeCommand(['node', cli, 'apply', '--auto-approve', '-j', '8', '-f', fleet], { env });
  if (run.code !== 0) throw new Error(`stackfleet failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  ours.wall.push(run.ms);
  ours.cpu.push(run.cpuMs ?? Number.NaN);
}
const f = { wall: median(floor.wall), cpu: median(floor.cpu) };
const o = { wall: median(ours.wall), cpu: median(ours.cpu) };
console.log(`## per-stack overhead: ${count} command stacks (\`true\`), -j 8, median of ${rounds} interleaved rounds`);
console.log(`floor, spawning sh -c true ${count}× at 8: wall ${fmt(f.wall)} | cpu ${fmt(f.cpu)}`);
console.log(
  `stackfleet apply: wall ${fmt(o.wall)} = ${(o.wall / f.wall).toFixed(2)}× | cpu ${fmt(o.cpu)} = ${(o.cpu / f.cpu).toFixed(2)}× | ` +
    `per stack over the floor: ${((o.wall - f.wall) / count).toFixed(2)} ms wall, ${((o.cpu - f.cpu) / count).toFixed(2)} ms cpu | ` +
    `target ≤ 2×: ${o.wall / f.wall <= 2 ? 'met' : 'MISSED'}`,
);
