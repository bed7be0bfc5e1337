// Issue #17 benchmark: what every CLI call pays before it does anything, and
// `list --order` on 10,000 stacks, each against a floor measured in the same
// run. Runs are interleaved (floor, then each command, round after round) and
// the median is kept, so a busy machine slows floor and command alike. CPU
// time (user + system) is printed beside wall time: it moves less with load.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { generateDag } from './lib/generate-dag.mjs';
import { fmt, median, timeCommand } from './lib/measure.mjs';
import { writeCommandFleet } from './lib/write-fleet.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'packages/cli/bin/stackfleet.js');
const rounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 15);
const bigRounds = Number(process.env.BENCH_REPEATS ?? 5);

// The bin runs the bundle only when no tsc build is newer (bin/stackfleet.js).
const bundled = statSync(join(root, 'packages/cli/dist/bundle/main.cjs'), { throwIfNoEntry: false })?.mtimeMs;
const stale = ['cli', 'core', 'policy', 'github', 'runner', 'state', 'vcs', 'tui'].some(
  (name) => (statSync(join(root, `packages/${name}/dist/.tsbuildinfo`), { throwIfNoEntry: false })?.mtimeMs ?? 0) > (bundled ?? Infinity),
);
if (bundled === undefined || stale) console.log('note: the CLI bundle is missing or older than a tsc build (run `npm run build`); timing the unbundled modules');

function timeAll(commands, count) {
  const times = Object.fromEntries(Object.keys(commands).map((name) => [name, { wall: [], cpu: [] }]));
  for (let round = 0; round < count; round += 1) {
    for (const [name, { argv, cwd }] of Object.entries(commands)) {
      const run = timeCommand(argv, { cwd });
      if (run.code !== 0) throw new Error(`${name} failed (${run.code}): ${run.stderr}`);
      times[name].wall.push(run.ms);
      times[name].cpu.push(run.cpuMs ?? Number.NaN);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, { wall, cpu }]) => [name, { wall: median(wall), cpu: median(cpu) }]));
}

/** Wall and CPU time of a command, each against the floor's. */
function compare(label, time, floor, target) {
  const wall = time.wall / floor.wall;
  const cpu = time.cpu / floor.cpu;
  return `${label}: wall ${fmt(time.wall)} = ${wall.toFixed(2)}× | cpu ${fmt(time.cpu)} = ${cpu.toFixed(2)}× | target ≤ ${target}×: ${wall <= target ? 'met' : 'MISSED'}`;
}

console.log(`## start-up: the example fleet (stacks.yaml), median of ${rounds} interleaved rounds`);
const startup = timeAll(
  {
    floor: { argv: ['node', '-e', '0'] },
    version: { argv: ['node', bin, '--version'] },
    list: { argv: ['node', bin, 'list'], cwd: root },
    completion: { argv: ['node', bin, 'completion', 'bash'], cwd: root },
    complete: { argv: ['node', bin, '__complete', 'outputs', ''], cwd: root },
  },
  rounds,
);
console.log(`floor, node -e 0: wall ${fmt(startup.floor.wall)} | cpu ${fmt(startup.floor.cpu)}`);
console.log(compare('stackfleet --version', startup.version, startup.floor, 1.5));
console.log(compare('stackfleet list', startup.list, startup.floor, 2));
for (const name of ['completion', 'complete']) {
  const label = name === 'completion' ? 'stackfleet completion bash' : 'stackfleet __complete outputs ""';
  const time = startup[name];
  console.log(`${compare(label, time, startup.floor, 2)} | target < 150 ms wall: ${time.wall < 150 ? 'met' : 'MISSED'}`);
}

const size = 10000;
const manifest = writeCommandFleet(join(root, `bench/.work/fleet-${size}`), generateDag(size, { edges: 3, seed: size }), { dirs: true });
const floorScript = `const y = require('js-yaml'); y.load(require('fs').readFileSync(${JSON.stringify(manifest)}, 'utf8'));`;
console.log(`\n## 10,000 stacks: stackfleet list --order vs node + js-yaml parsing the same file, median of ${bigRounds}`);
const big = timeAll(
  {
    floor: { argv: ['node', '-e', floorScript], cwd: root },
    list: { argv: ['node', bin, 'list', '--order', '-f', manifest] },
  },
  bigRounds,
);
console.log(`floor, node + js-yaml: wall ${fmt(big.floor.wall)} | cpu ${fmt(big.floor.cpu)}`);
console.log(compare('stackfleet list --order', big.list, big.floor, 2));
