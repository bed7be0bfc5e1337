// Start-up of two or more builds of the CLI in one interleaved loop (issue
// #17): the example fleet's rows of bench/startup.mjs, each build's bin run
// round after round beside `node -e 0`, so that a load swing hits them alike.
//
//   node bench/startup-ab.mjs [--rounds 21] [--own] main=/work/main/packages/cli/bin/stackfleet.js new=packages/cli/bin/stackfleet.js
//
// Prints wall and CPU medians and their ratio to the floor's. With --own it
// prints instead each command's own time: from a preloaded script's first
// line (Node's start, the CA certificates of NODE_EXTRA_CA_CERTS included,
// is over) to the process's 'exit' event, which moves far less with load
// than wall time. A first round is not counted: it writes the compile
// caches, which another build, or a preload (a Node option, part of the
// cache's key), may have replaced.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, timeCommand } from './lib/measure.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args.splice(index, 2)[1];
};
const rounds = Number(option('--rounds') ?? 21);
const own = args.includes('--own') ? Boolean(args.splice(args.indexOf('--own'), 1)) : false;
const builds = args.map((spec) => spec.split('='));
if (builds.length === 0 || builds.some((build) => build.length !== 2)) throw new Error('usage: node bench/startup-ab.mjs [--rounds N] [--own] LABEL=BIN...');
const commands = [['--version'], ['list'], ['completion', 'bash'], ['__complete', 'outputs', '']];

const preload = join(mkdtempSync(join(tmpdir(), 'startup-ab-')), 'mark.cjs');
writeFileSync(
  preload,
  "const start = performance.now();\nprocess.on('exit', () => require('node:fs').writeSync(2, `__OWN_MS=${performance.now() - start}\\n`));\n",
);

const times = {};
const record = (key, field, value) => ((times[key] ??= { wall: [], cpu: [], own: [] })[field].push(value));
for (let round = -1; round < rounds; round += 1) {
  if (!own && round >= 0) {
    const floor = timeCommand(['node', '-e', '0']);
    record('floor, node -e 0', 'wall', floor.ms);
    record('floor, node -e 0', 'cpu', floor.cpuMs);
  }
  for (const [label, bin] of builds) {
    for (const command of commands) {
      const key = `${label}: stackfleet ${command.map((word) => word || '""').join(' ')}`;
      if (own) {
        const run = spawnSync('node', ['-r', preload, bin, ...command], { cwd: root, encoding: 'utf8' });
        const ms = /__OWN_MS=([\d.]+)/.exec(run.stderr)?.[1];
        if (run.status !== 0 || ms === undefined) throw new Error(`${key} failed (${run.status}): ${run.stderr}`);
        if (round >= 0) record(key, 'own', Number(ms));
        continue;
      }
      const run = timeCommand(['node', bin, ...command], { cwd: root });
      if (run.code !== 0) throw new Error(`${key} failed (${run.code}): ${run.stderr}`);
      if (round < 0) continue;
      record(key, 'wall', run.ms);
      record(key, 'cpu', run.cpuMs);
    }
  }
}

console.log(`## start-up, ${builds.map(([label]) => label).join(' vs ')}: medians of ${rounds} interleaved rounds${own ? ', own time' : ''}`);
const floor = times['floor, node -e 0'];
for (const [key, { wall, cpu, own: ownMs }] of Object.entries(times)) {
  if (own) console.log(`${key}: own ${median(ownMs).toFixed(1)} ms`);
  else console.log(`${key}: wall ${median(wall).toFixed(0)} ms = ${(median(wall) / median(floor.wall)).toFixed(2)}× | cpu ${median(cpu).toFixed(0)} ms = ${(median(cpu) / median(floor.cpu)).toFixed(2)}×`);
}
