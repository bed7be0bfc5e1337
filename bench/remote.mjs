#!/usr/bin/env node
// Benchmark: distributed runs (issue #15) against a PostgreSQL server this
// script starts (test-utils' startPostgres: initdb + postgres on 127.0.0.1).
//  1. N command stacks (`true`, default 2,000) in a random DAG: one local
//     `apply -j 8` vs `apply --remote` drained by 4 workers with -j 2 each,
//     both on the same database; the extra wall time per stack is the
//     distributed path's overhead (target < 10 ms).
//  2. 200 `sleep` stacks in a random DAG over 4 workers with -j 2: makespan
//     against the lower bound max(critical path, total work / 8 slots)
//     (target <= 1.10).
// Usage: node bench/remote.mjs [--stacks N] [--sleepers N] [--sleep SECONDS]
// Build first: npx tsc -b
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../packages/test-utils/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'packages', 'cli', 'bin', 'stackfleet.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const STACKS = option('stacks', 2000);
const SLEEPERS = option('sleepers', 200);
const SLEEP_S = option('sleep', 0.5);
const WORKERS = 4;
const PER_WORKER = 2;

// Deterministic random DAG: each stack depends on up to 2 earlier ones.
function buildDag(count, seed) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const name = (index) => `s${String(index).padStart(4, '0')}`;
  return Array.from({ length: count }, (_, index) => {
    const needs = new Set();
    if (index > 0) for (let k = 0; k < 2; k += 1) if (random() < 0.6) needs.add(name(Math.floor(random() * index)));
    return { name: name(index), needs: [...needs] };
  });
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' };
const git = (cwd, ...argv) => execFileSync('git', argv, { cwd, env: gitEnv, stdio: 'pipe' });

/** A fleet repository pushed to a bare origin, with one clone per worker. */
function writeFleet(label, dag, apply) {
  const root = join(here, '.work', `remote-${label}`);
  rmSync(root, { recursive: true, force: true });
  const seed = join(root, 'seed');
  mkdirSync(join(seed, 'stack'), { recursive: true });
  writeFileSync(join(seed, 'stack', '.keep'), '');
  const stacks = dag
    .map((stack) => `  ${stack.name}:\n    runner: command\n    path: stack\n${stack.needs.length ? `    dependsOn: [${stack.needs.join(', ')}]\n` : ''}    commands: { apply: ${JSON.stringify(apply)} }\n`)
    .join('');
  writeFileSync(join(seed, 'stacks.yaml'), `version: 1\nsettings:\n  fleet: bench-${label}\nstacks:\n${stacks}`);
  writeFileSync(join(seed, '.gitignore'), '.stackfleet/\n');
  git(root, 'init', '-q', '--bare', '-b', 'main', 'origin.git');
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-qm', 'fleet');
  git(seed, 'remote', 'add', 'origin', join(root, 'origin.git'));
  git(seed, 'push', '-q', 'origin', 'main');
  const clones = Array.from({ length: WORKERS }, (_, index) => {
    const dir = join(root, `w${index}`);
    git(root, 'clone', '-q', 'origin.git', dir);
    return dir;
  });
  return { seed, clones };
}

function runCli(argv, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...argv], { cwd, env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`stackfleet ${argv.join(' ')} exited ${code}: ${stderr.slice(-2000)}`))));
  });
}

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Starts the workers, waits until each has said hello, runs `fn`, then stops them (Ctrl-C). */
async function withWorkers(clones, env, fn) {
  const workers = clones.map((cwd) => {
    const child = spawn(process.execPath, [cli, 'worker', '-j', String(PER_WORKER)], { cwd, env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const ready = new Promise((resolve) => child.stderr.on('data', (chunk) => String(chunk).includes('pool "default"') && resolve()));
    const done = new Promise((resolve) => child.on('close', resolve));
    return { child, ready, done };
  });
  await Promise.all(workers.map((worker) => worker.ready));
  try {
    return await fn();
  } finally {
    for (const worker of workers) worker.child.kill('SIGINT');
    await Promise.all(workers.map((worker) => worker.done));
  }
}

function lowerBound(dag, seconds, slots) {
  const depth = new Map();
  for (const stack of dag) depth.set(stack.name, 1 + Math.max(0, ...stack.needs.map((need) => depth.get(need))));
  const critical = Math.max(...depth.values()) * seconds;
  return { critical, bound: Math.max(critical, (dag.length * seconds) / slots) };
}

const server = await startPostgres();
try {
  const env = { STACKFLEET_STATE_URL: server.url, STACKFLEET_WORKER_POLL_MS: '50', STACKFLEET_FOLLOW_POLL_MS: '100' };
  console.log(`machine: ${(await import('node:os')).cpus().length} CPUs, load average ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')}`);

  const dag = buildDag(STACKS, 42);
  const fleet = writeFleet(`true-${STACKS}`, dag, 'true');
  const local = await timed(() => runCli(['apply', '--auto-approve', '-j', String(WORKERS * PER_WORKER)], fleet.seed, env));
  const remote = await withWorkers(fleet.clones, env, () => timed(() => runCli(['apply', '--auto-approve', '--remote'], fleet.seed, env)));
  console.log(`${STACKS} \`true\` stacks: local -j ${WORKERS * PER_WORKER} ${(local / 1000).toFixed(1)} s, ${WORKERS} workers x -j ${PER_WORKER} ${(remote / 1000).toFixed(1)} s`);
  console.log(`  distributed overhead per stack: ${((remote - local) / STACKS).toFixed(1)} ms (target < 10 ms); per stack overall: local ${(local / STACKS).toFixed(1)} ms, remote ${(remote / STACKS).toFixed(1)} ms`);

  const sleepers = buildDag(SLEEPERS, 7);
  const sleepFleet = writeFleet(`sleep-${SLEEPERS}`, sleepers, `sleep ${SLEEP_S}`);
  const makespan = await withWorkers(sleepFleet.clones, env, () => timed(() => runCli(['apply', '--auto-approve', '--remote'], sleepFleet.seed, env)));
  const { critical, bound } = lowerBound(sleepers, SLEEP_S, WORKERS * PER_WORKER);
  console.log(
    `${SLEEPERS} \`sleep ${SLEEP_S}\` stacks, ${WORKERS} workers x -j ${PER_WORKER}: makespan ${(makespan / 1000).toFixed(1)} s, lower bound ${bound.toFixed(1)} s (critical path ${critical.toFixed(1)} s): ratio ${(makespan / 1000 / bound).toFixed(2)} (target <= 1.10)`,
  );
} finally {
  await server.stop();
}
