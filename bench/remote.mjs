#!/usr/bin/env node
// Benchmark: distributed runs (issue #15) against a PostgreSQL server this
// script starts (test-utils' startPostgres: initdb + postgres on 127.0.0.1).
//  1. N command stacks (`true`, default 2,000) in a random DAG: one local
//     `apply -j 8` vs `apply --remote` drained by 4 workers with -j 2 each,
//     both on the same database; the extra wall time per stack is the
//     distributed path's overhead (target < 10 ms).
//  2. 200 `sleep` stacks in a random DAG over 4 workers with -j 2: makespan
//     against the lower bound max(critical path, total work / 8 slots)
//     (target <= 1.10), and where the slots' time went (from the run's events:
//     when every slot was busy, each stack's time beyond its sleep, the slot
//     time no stack held).
// Besides wall time it prints CPU time (user+sys) of every stackfleet process
// and of the PostgreSQL server, per phase: on a shared machine the wall time
// is mostly waiting for a core.
// --statements: the server loads pg_stat_statements, and the statements of
// the 2,000-stack remote phase are printed (calls per stack, time), most
// expensive first: which round trips a stack costs.
// --cpu-prof DIR: every stackfleet process writes a V8 CPU profile there.
// Usage: node bench/remote.mjs [--stacks N] [--sleepers N] [--sleep SECONDS] [--cli PATH] [--statements] [--cpu-prof DIR]
// Build first: npm run build (or npx tsc -b)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../packages/test-utils/dist/index.js';
import { setAside } from './lib/set-aside.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
// --cli PATH: another build's bin (e.g. a copy of an older build), to compare in the same conditions.
const cli = args.includes('--cli') ? args[args.indexOf('--cli') + 1] : join(here, '..', 'packages', 'cli', 'bin', 'stackfleet.js');
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const STACKS = option('stacks', 2000);
const SLEEPERS = option('sleepers', 200);
const SLEEP_S = option('sleep', 0.5);
const STATEMENTS = args.includes('--statements');
const PROFILE = args.includes('--cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', args[args.indexOf('--cpu-prof') + 1]] : [];
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
  setAside(root);
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

/**
 * CPU time of the processes we start: each CLI process runs under
 * `/usr/bin/time`, which prints its user+sys seconds last on stderr; the
 * PostgreSQL server's share is the postmaster's own plus its ended backends'
 * (every connection of a phase is closed when its processes exit).
 */
const cpu = { cli: 0 };
function spawnCli(argv, cwd, env) {
  // Its own process group: GNU time ignores SIGINT while it waits, so Ctrl-C goes to the group (see `interrupt`).
  const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...PROFILE, cli, ...argv], {
    cwd,
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const done = new Promise((resolve) =>
    child.on('close', (code) => {
      const match = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (match) cpu.cli += (Number(match[1]) + Number(match[2])) * 1000;
      resolve({ code, stderr, stdout });
    }),
  );
  return { child, done, stderr: () => stderr, interrupt: () => process.kill(-child.pid, 'SIGINT') };
}

async function runCli(argv, cwd, env) {
  const { code, stderr, stdout } = await spawnCli(argv, cwd, env).done;
  if (code !== 0) throw new Error(`stackfleet ${argv.join(' ')} exited ${code}: ${stderr.slice(-2000)}`);
  return stdout;
}

/** The run's own duration (run.started to run.finished, as `--json` reports it): no CLI start-up in it. */
function readRunDuration(ndjson) {
  const finished = ndjson.trim().split('\n').map((line) => JSON.parse(line)).find((event) => event.type === 'run.finished');
  return finished.summary.durationMs;
}

/**
 * Where a slot's time went, from the run's events: when the first stacks
 * started (every slot busy at the `slots`-th), each stack's time beyond its
 * `sleep` (running record to its end: lock, process, outputs), and the slot
 * time no stack held (the start, completions, claims, the hand-over to the next stack).
 */
function describeSlotTime(ndjson, slots, sleepMs) {
  const events = ndjson.trim().split('\n').map((line) => JSON.parse(line));
  const at = (event) => Date.parse(event.at);
  const start = at(events[0]);
  const makespan = at(events.find((event) => event.type === 'run.finished')) - start;
  const starts = events.filter((event) => event.type === 'stack.started').map((event) => at(event) - start).sort((a, b) => a - b);
  const beyond = events.filter((event) => event.type === 'stack.finished').map((event) => event.durationMs - sleepMs).sort((a, b) => a - b);
  const idle = slots * makespan - beyond.reduce((sum, ms) => sum + ms + sleepMs, 0);
  return (
    `first stack started ${starts[0]} ms after run.started, every slot busy after ${starts[slots - 1]} ms; ` +
    `a stack's time beyond its sleep: median ${beyond[beyond.length >> 1]} ms; slot time no stack held: ${(idle / 1000).toFixed(2)} s (${(idle / beyond.length).toFixed(1)} ms per stack)`
  );
}

function readServerCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // utime, stime, cutime, cstime (fields 14-17, here 11-14 after the command name), in clock ticks.
  return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0) * (1000 / 100);
}

/** Wall and CPU (ours and the database server's) of one phase. */
async function measured(server, fn) {
  const before = { cli: cpu.cli, server: readServerCpuMs(server.pid) };
  const start = performance.now();
  await fn();
  const wall = performance.now() - start;
  return { wall, cliCpu: cpu.cli - before.cli, serverCpu: readServerCpuMs(server.pid) - before.server };
}

/** Starts the workers, waits until each has said hello, runs `fn`, then stops them (Ctrl-C) and waits for them (their CPU counts). */
async function withWorkers(clones, env, fn) {
  const workers = clones.map((cwd) => {
    const worker = spawnCli(['worker', '-j', String(PER_WORKER)], cwd, env);
    const ready = new Promise((resolve) => worker.child.stderr.on('data', () => worker.stderr().includes('pool "default"') && resolve()));
    return { ...worker, ready };
  });
  await Promise.all(workers.map((worker) => worker.ready));
  try {
    return await fn();
  } finally {
    for (const worker of workers) worker.interrupt();
    await Promise.all(workers.map((worker) => worker.done));
  }
}

function lowerBound(dag, seconds, slots) {
  const depth = new Map();
  for (const stack of dag) depth.set(stack.name, 1 + Math.max(0, ...stack.needs.map((need) => depth.get(need))));
  const critical = Math.max(...depth.values()) * seconds;
  return { critical, bound: Math.max(critical, (dag.length * seconds) / slots) };
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** The statements pg_stat_statements saw since its last reset, most total time first. */
function printStatements(server, stacks) {
  const sql = `SELECT calls, round(total_exec_time::numeric, 0) AS ms, rows, regexp_replace(left(query, 150), '\\s+', ' ', 'g') AS query
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`;
  const out = execFileSync('psql', ['-X', '-q', '-A', '-F', ' | ', '-t', '-d', server.url, '-c', sql], { encoding: 'utf8' });
  const rows = out.trim().split('\n').map((line) => line.split(' | '));
  const calls = execFileSync('psql', ['-X', '-q', '-A', '-t', '-d', server.url, '-c', 'SELECT sum(calls) FROM pg_stat_statements'], { encoding: 'utf8' }).trim();
  console.log(`  statements: ${(Number(calls) / stacks).toFixed(1)} per stack in all; the most expensive (calls per stack, total ms, rows):`);
  for (const [count, ms, rowCount, query] of rows) console.log(`    ${(Number(count) / stacks).toFixed(2).padStart(6)} ${ms.padStart(6)} ms ${rowCount.padStart(7)}  ${query}`);
}
const psqlOn = (server, sql) => execFileSync('psql', ['-X', '-q', '-d', server.url, '-c', sql], { stdio: 'pipe' });

const server = await startPostgres(STATEMENTS ? { settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } } : {});
try {
  // Poll intervals are the defaults unless set (an older build without queue notifications needs short ones to be fair).
  const env = { STACKFLEET_STATE_URL: server.url };
  for (const name of ['STACKFLEET_WORKER_POLL_MS', 'STACKFLEET_FOLLOW_POLL_MS']) if (process.env[name]) env[name] = process.env[name];
  console.log(`cli: ${cli}; ${Object.keys(env).filter((name) => name !== 'STACKFLEET_STATE_URL').map((name) => `${name}=${env[name]}`).join(' ') || 'default poll intervals'}`);
  console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);

  const dag = buildDag(STACKS, 42);
  const fleet = writeFleet(`true-${STACKS}`, dag, 'true');
  const local = await measured(server, () => runCli(['apply', '--auto-approve', '-j', String(WORKERS * PER_WORKER)], fleet.seed, env));
  if (STATEMENTS) psqlOn(server, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()');
  // Wall: the follower's, workers already up (they are long-lived); CPU: the workers' whole lives too.
  let remoteWall = 0;
  const remote = await measured(server, () =>
    withWorkers(fleet.clones, env, async () => {
      const start = performance.now();
      await runCli(['apply', '--auto-approve', '--remote'], fleet.seed, env);
      remoteWall = performance.now() - start;
    }),
  );
  remote.wall = remoteWall;
  const perStack = (ms) => (ms / STACKS).toFixed(1);
  console.log(`${STACKS} \`true\` stacks: local -j ${WORKERS * PER_WORKER} ${seconds(local.wall)}, ${WORKERS} workers x -j ${PER_WORKER} ${seconds(remote.wall)}`);
  console.log(`  wall per stack: local ${perStack(local.wall)} ms, remote ${perStack(remote.wall)} ms: distributed overhead ${perStack(remote.wall - local.wall)} ms (target < 10 ms)`);
  console.log(
    `  CPU per stack (stackfleet processes + PostgreSQL): local ${perStack(local.cliCpu)} + ${perStack(local.serverCpu)} ms, remote ${perStack(remote.cliCpu)} + ${perStack(remote.serverCpu)} ms: ` +
      `distributed overhead ${perStack(remote.cliCpu + remote.serverCpu - local.cliCpu - local.serverCpu)} ms`,
  );
  console.log(`  load average now ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  if (STATEMENTS) printStatements(server, STACKS);

  const sleepers = buildDag(SLEEPERS, 7);
  const sleepFleet = writeFleet(`sleep-${SLEEPERS}`, sleepers, `sleep ${SLEEP_S}`);
  // Makespan: from queueing to the run's end, workers already up (as in a fleet that keeps them running).
  let followerWall = 0;
  let makespan = 0;
  let slotTime = '';
  const sleepRun = await measured(server, () =>
    withWorkers(sleepFleet.clones, env, async () => {
      const start = performance.now();
      const ndjson = await runCli(['apply', '--auto-approve', '--remote', '--json'], sleepFleet.seed, env);
      makespan = readRunDuration(ndjson);
      slotTime = describeSlotTime(ndjson, WORKERS * PER_WORKER, SLEEP_S * 1000);
      followerWall = performance.now() - start;
    }),
  );
  const { critical, bound } = lowerBound(sleepers, SLEEP_S, WORKERS * PER_WORKER);
  console.log(
    `${SLEEPERS} \`sleep ${SLEEP_S}\` stacks, ${WORKERS} workers x -j ${PER_WORKER}: makespan (run.started to run.finished) ${seconds(makespan)}, lower bound ${bound.toFixed(1)} s (critical path ${critical.toFixed(1)} s): ratio ${(makespan / 1000 / bound).toFixed(2)} (target <= 1.10); ` +
      `the follower's whole wall time (CLI start-up, queueing) ${seconds(followerWall)}: ratio ${(followerWall / 1000 / bound).toFixed(2)}`,
  );
  console.log(`  ${slotTime}`);
  console.log(`  CPU: stackfleet processes ${seconds(sleepRun.cliCpu)}, PostgreSQL ${seconds(sleepRun.serverCpu)}; load average now ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
} finally {
  await server.stop();
}
