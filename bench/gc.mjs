// Retention cost of a run: `stackfleet apply` of a 1-stack fleet whose state
// directory keeps 200 finished runs of 500 stacks each (records in the store,
// a work directory per stack and a log per stack on disk), against the same
// apply in a fresh state directory (one earlier run), measured in the same run, round after
// round and interleaved. The cleanup after every run (settings.retention)
// must cost what it removes, not what is kept: target CPU time (user + system,
// GNU time) ≤ 1.10× the floor; wall is printed too, it swings with the load.
// BENCH_CLI=/path/to/stackfleet.js compares another build (e.g. main's).
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, timeCommand } from './lib/measure.mjs';

const root = new URL('..', import.meta.url).pathname;
const cli = process.env.BENCH_CLI ?? join(root, 'packages/cli/bin/stackfleet.js');
const rounds = Number(process.env.BENCH_REPEATS ?? 9);
const keptRuns = Number(process.env.BENCH_RUNS ?? 200);
const stacksPerRun = Number(process.env.BENCH_STACKS ?? 500);
const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
// `runs` above what the rounds add: nothing is expired, everything is kept.
const manifest = ['version: 1', 'settings:', `  retention: { age: 7d, runs: ${keptRuns + 100} }`, 'stacks:', '  a:', '    runner: command', '    path: .', '    commands: { apply: "true" }', ''].join('\n');

const emptyDir = join(root, 'bench/.work/gc-empty');
const keptDir = join(root, `bench/.work/gc-kept-${keptRuns}x${stacksPerRun}`);
for (const dir of [emptyDir, keptDir]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'stacks.yaml'), manifest);
}
const apply = (dir) => {
  const run = timeCommand(['node', cli, 'apply', '--auto-approve', '-f', join(dir, 'stacks.yaml')], { env });
  if (run.code !== 0) throw new Error(`stackfleet failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  return run;
};

// Seeded once and reused (200k files take a while): the real CLI creates the
// store, the store API adds the run records, the directories are what a
// command stack's run leaves (its log, its work directory with the exit file).
const seeded = join(keptDir, '.stackfleet/.bench-seeded');
if (!existsSync(seeded)) {
  rmSync(join(keptDir, '.stackfleet'), { recursive: true, force: true });
  apply(keptDir);
  const { openSqliteStore } = await import(join(root, 'packages/state/dist/index.js'));
  const store = openSqliteStore({ stateDir: join(keptDir, '.stackfleet') });
  const stacks = Array.from({ length: stacksPerRun }, (_, index) => `s${String(index).padStart(4, '0')}`);
  const now = Date.now();
  for (let index = 0; index < keptRuns; index += 1) {
    const id = `bench-${String(index).padStart(4, '0')}`;
    const startedAt = new Date(now - (keptRuns - index) * 60_000).toISOString();
    await store.createRun({ id, command: 'apply', selection: {}, stacks, startedBy: 'bench@host', host: 'host', pid: 1, repoShas: {}, manifestPath: join(keptDir, 'stacks.yaml'), startedAt, status: 'running' });
    await store.finishRun(id, 'succeeded', new Date(Date.parse(startedAt) + 1000).toISOString());
    const runDir = join(keptDir, '.stackfleet/runs', id);
    for (const stack of stacks) {
      mkdirSync(join(runDir, 'work', stack), { recursive: true });
      writeFileSync(join(runDir, 'work', stack, `${stack}.apply.exit`), '0\n');
      writeFileSync(join(runDir, `${stack}.log`), 'ok\n');
    }
  }
  await store.close();
  // One apply after seeding: a state directory reaches its steady state
  // (whatever a first cleanup does once) before the timed rounds.
  apply(keptDir);
  writeFileSync(seeded, '');
}

const floor = { wall: [], cpu: [] };
const ours = { wall: [], cpu: [] };
for (let round = 0; round < rounds; round += 1) {
  rmSync(join(emptyDir, '.stackfleet'), { recursive: true, force: true });
  apply(emptyDir);
  const base = apply(emptyDir);
  floor.wall.push(base.ms);
  floor.cpu.push(base.cpuMs ?? Number.NaN);
  const run = apply(keptDir);
  ours.wall.push(run.ms);
  ours.cpu.push(run.cpuMs ?? Number.NaN);
}
// The explicit command still does the full job (lists every kept run's work
// directories): printed for scale, once, not a target.
const full = timeCommand(['node', cli, 'gc', '--dry-run', '-f', join(keptDir, 'stacks.yaml')], { env });
if (full.code !== 0) throw new Error(`stackfleet gc failed:\n${full.stderr.slice(-2000)}`);
const f = { wall: median(floor.wall), cpu: median(floor.cpu) };
const o = { wall: median(ours.wall), cpu: median(ours.cpu) };
console.log(`## retention: apply of 1 stack with ${keptRuns} kept runs × ${stacksPerRun} stacks in the state dir, median of ${rounds} interleaved rounds`);
console.log(`floor, the same apply with 1 kept run: wall ${fmt(f.wall)} | cpu ${fmt(f.cpu)}`);
console.log(
  `with ${keptRuns} kept runs: wall ${fmt(o.wall)} = ${(o.wall / f.wall).toFixed(2)}× | cpu ${fmt(o.cpu)} = ${(o.cpu / f.cpu).toFixed(2)}× | ` +
    `target cpu ≤ 1.10×: ${o.cpu / f.cpu <= 1.1 ? 'met' : 'MISSED'}`,
);
console.log(`stackfleet gc --dry-run (the full job, every kept run looked into): wall ${fmt(full.ms)} | cpu ${fmt(full.cpuMs ?? Number.NaN)}`);
