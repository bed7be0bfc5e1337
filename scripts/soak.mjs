#!/usr/bin/env node
/**
 * Crash-safety soak: `npm run soak` (SOAK_TRIALS, default 200).
 *
 * Each trial applies a fleet of 8 command stacks (a diamond, a chain and an
 * independent stack), SIGKILLs `stackfleet apply` at a random moment,
 * resumes (killing some resumes too), and checks that every stack completed
 * exactly one apply, outputs are intact, no lock is left and the run
 * succeeded. test/e2e/crash-resume.test.ts runs the same trial 3 times
 * (CRASH_TRIALS); the long loop lives here, outside the test suite.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliBin = join(repoRoot, 'packages/cli/bin/stackfleet.js');

/** name -> upstream names (the downstream script checks each upstream's output). */
export const CRASH_FLEET = {
  base: [],
  left: ['base'],
  right: ['base'],
  join: ['left', 'right'],
  edge: ['join'],
  solo: [],
  chain1: [],
  chain2: ['chain1'],
};

const envName = (stack) => `IN_${stack.toUpperCase()}`;

// Sleeps 50-300 ms, checks its inputs, writes outputs, and only then, as its
// very last act, appends one line to its counter file: a line = a completed apply.
const APPLY_SCRIPT = `set -e
ms=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 250 + 50 ))
sleep "$(printf '0.%03d' "$ms")"
for pair in $EXPECT; do
  var=\${pair%%=*}; want=\${pair#*=}
  eval "got=\\\${$var:-}"
  if [ "$got" != "$want" ]; then echo "input $var is '$got', want '$want'" >&2; exit 1; fi
done
printf '{"value":"%s-out","run":"%s"}' "$STACKFLEET_STACK" "$STACKFLEET_RUN_ID" > "$STACKFLEET_OUTPUTS"
echo "$STACKFLEET_RUN_ID $$ $(date +%s%3N)" >> "$COUNTER_DIR/$STACKFLEET_STACK"
`;

/** Writes stacks.yaml, one directory per stack and the shared apply script into `dir`. */
export function writeCrashFleet(dir) {
  const lines = ['version: 1', 'settings: { concurrency: 3 }', 'stacks:'];
  for (const [name, upstreams] of Object.entries(CRASH_FLEET)) {
    mkdirSync(join(dir, name), { recursive: true });
    lines.push(`  ${name}:`, '    runner: command', `    path: ${name}`, '    commands: { apply: "sh ../apply.sh" }');
    const expect = upstreams.map((up) => `${envName(up)}=${up}-out`).join(' ');
    lines.push(`    env: { EXPECT: "${expect}", COUNTER_DIR: "${join(dir, 'counters')}" }`);
    if (upstreams.length > 0) {
      lines.push('    dependsOn:');
      for (const up of upstreams) lines.push(`      - stack: ${up}`, `        outputs: { value: ${envName(up)} }`);
    }
  }
  writeFileSync(join(dir, 'stacks.yaml'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'apply.sh'), APPLY_SCRIPT);
  mkdirSync(join(dir, 'counters'), { recursive: true });
}

function cliEnv(extra = {}) {
  return { ...process.env, CI: 'true', NO_COLOR: '1', STACKFLEET_LOCK_TTL_MS: '3000', ...extra };
}

export function runCli(args, cwd) {
  const result = spawnSync(process.execPath, [cliBin, ...args], { cwd, env: cliEnv(), encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI, SIGKILLs it after `killAfterMs` unless it exited first. Resolves with whether it was killed. */
function runAndKill(args, cwd, killAfterMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd, env: cliEnv(), stdio: 'ignore' });
    let killed = false;
    let killedAt;
    const timer = setTimeout(() => {
      killedAt = Date.now();
      killed = child.kill('SIGKILL');
    }, killAfterMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ killed, code, killedAt: killed ? killedAt : undefined });
    });
  });
}

/** name -> completion times (ms since epoch) of its completed applies. */
export function readCompletions(dir) {
  const completions = {};
  for (const name of Object.keys(CRASH_FLEET)) {
    const file = join(dir, 'counters', name);
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    completions[name] = lines.map((line) => Number(line.split(' ')[2]));
  }
  return completions;
}

export function readCounters(dir) {
  return Object.fromEntries(Object.entries(readCompletions(dir)).map(([name, times]) => [name, times.length]));
}

/**
 * An apply that completes while stackfleet is being killed, after the script's
 * last line but before the store heard of it, cannot be known to have
 * completed: resume must apply it again (at-least-once in that window, like
 * any orchestrator without a two-phase commit with the stack). A second apply
 * is tolerated only when the first one completed within this window around a
 * kill; an orphan finishing later (the watchdog failed) is still a failure.
 */
export const CRASH_WINDOW_BEFORE_MS = 250;
export const CRASH_WINDOW_AFTER_MS = 25;

function inCrashWindow(time, killTimes) {
  return killTimes.some((kill) => time >= kill - CRASH_WINDOW_BEFORE_MS && time <= kill + CRASH_WINDOW_AFTER_MS);
}

/**
 * One trial in a fresh directory. Returns `{ problems, kills, dir }`;
 * `problems` is empty when every check held. `random` is injectable for replay.
 */
export async function runCrashTrial({ random = Math.random, keepDir = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stackfleet-crash-'));
  const problems = [];
  const kills = [];
  const killTimes = [];
  const windowRepeats = [];
  try {
    writeCrashFleet(dir);
    // Start-up takes ~0.3 s and the apply ~1 s: killing within 0.1-1.3 s covers before, during and (under load) after.
    const first = await runAndKill(['apply', '--auto-approve'], dir, 100 + Math.floor(random() * 1200));
    kills.push(first.killed ? 'apply' : `apply exited ${first.code}`);
    if (first.killedAt !== undefined) killTimes.push(first.killedAt);
    // Up to two resumes are themselves killed before one is allowed to finish.
    for (let attempt = 0; attempt < 2 && random() < 0.4; attempt++) {
      const resumed = await runAndKill(['resume'], dir, 150 + Math.floor(random() * 1200));
      kills.push(resumed.killed ? 'resume' : `resume exited ${resumed.code}`);
      if (resumed.killedAt !== undefined) killTimes.push(resumed.killedAt);
    }
    const resume = runCli(['resume'], dir);
    if (resume.code !== 0) problems.push(`resume exited ${resume.code}: ${resume.stderr.trim()}`);
    let history = parseNdjson(runCli(['history', '--json'], dir).stdout);
    if (history.length === 0) {
      // Killed before the run was recorded: nothing happened, so a new apply is what a user does.
      if (Object.values(readCounters(dir)).some((count) => count > 0)) problems.push('stacks applied but no run was recorded');
      const apply = runCli(['apply', '--auto-approve'], dir);
      if (apply.code !== 0) problems.push(`fresh apply exited ${apply.code}`);
      history = parseNdjson(runCli(['history', '--json'], dir).stdout);
    }
    if (history.length !== 1) problems.push(`expected 1 run in history, got ${history.length}`);
    const run = history[0];
    if (run && run.status !== 'succeeded') problems.push(`run ${run.id} ended ${run.status}`);
    for (const row of run?.stackRuns ?? []) {
      if (row.state !== 'succeeded') problems.push(`stack ${row.stack} is ${row.state} in run ${run.id}`);
    }
    for (const [name, times] of Object.entries(readCompletions(dir))) {
      if (times.length === 2 && inCrashWindow(times[0], killTimes)) windowRepeats.push(name);
      else if (times.length !== 1) problems.push(`${name} completed ${times.length} applies (at ${times.join(', ')}; kills at ${killTimes.join(', ')}), want exactly 1`);
    }
    const locks = runCli(['locks', '--json'], dir).stdout.trim();
    if (locks !== '') problems.push(`locks left behind: ${locks}`);
    const outputs = runCli(['outputs', 'edge', '--json'], dir);
    const edge = safeJson(outputs.stdout);
    // Recovered after the kill from its finished apply's file, edge's outputs are stored sealed (docs/reliability.md).
    const recovered = (run?.stackRuns ?? []).some((row) => row.stack === 'edge' && /exit status recorded/.test(row.reason ?? ''));
    const expected = recovered ? JSON.stringify({ run: '***', value: '***' }) : 'edge-out';
    if (outputs.code !== 0 || JSON.stringify(edge).indexOf(expected) === -1) problems.push(`outputs of edge: ${outputs.stdout.trim()} ${outputs.stderr.trim()}`);
  } catch (error) {
    problems.push(`trial crashed: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    if (!keepDir && problems.length === 0) rmSync(dir, { recursive: true, force: true });
  }
  return { problems, kills, windowRepeats, dir };
}

function parseNdjson(text) {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function main() {
  const trials = Number(process.env.SOAK_TRIALS ?? 200);
  let passed = 0;
  let repeated = 0;
  const failures = [];
  const started = Date.now();
  for (let trial = 1; trial <= trials; trial++) {
    const result = await runCrashTrial();
    if (result.problems.length === 0) passed++;
    else failures.push({ trial, ...result });
    if (result.windowRepeats.length > 0) repeated++;
    const repeats = result.windowRepeats.length > 0 ? `; re-applied after a kill in the completion window: ${result.windowRepeats.join(', ')}` : '';
    process.stdout.write(`trial ${trial}/${trials} ${result.problems.length === 0 ? 'ok  ' : 'FAIL'} (${result.kills.join(', ')}${repeats})\n`);
    for (const problem of result.problems) process.stdout.write(`    ${problem}\n    kept: ${result.dir}\n`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`\nsoak: ${passed}/${trials} passed, ${failures.length} failed in ${seconds}s`);
  process.stdout.write(` (${repeated} passing trials re-applied a stack killed in its completion window)\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
