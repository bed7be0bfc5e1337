// The live view's own cost, without a run around it (issue #17): a paced,
// synthetic run of 2,000 command stacks (-j 8, 4.3 s, the events a real run of
// `true` stacks emits) pushed into `runLiveRunUi` of a UI bundle (tui.js), in
// a real pseudo-terminal (util-linux `script`, 120x40), against the same
// events with no view at all. CPU is this process's (the view's rendering,
// its garbage collection, the terminal writes); `load` is importing the bundle.
//
//   node bench/lib/replay-live-view.mjs [rounds] <tui.js> [<tui.js>...]
//
// e.g. main's bundle against this worktree's, interleaved, 5 rounds:
//   node bench/lib/replay-live-view.mjs 5 /work/main/packages/cli/dist/bundle/tui.js packages/cli/dist/bundle/tui.js
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const STACKS = 2000;
const RUN_MS = 4300;

if (process.argv[2] === '--child') await replay(process.argv[3], process.argv[4]);
else compare(process.argv.slice(2));

function compare(args) {
  const rounds = /^\d+$/.test(args[0] ?? '') ? Number(args.shift()) : 3;
  const bundles = ['none', ...args.map((path) => resolve(path))];
  const results = new Map(bundles.map((bundle) => [bundle, []]));
  const self = fileURLToPath(import.meta.url);
  const out = join(mkdtempSync(join(tmpdir(), 'replay-live-view-')), 'result.json');
  for (let round = 0; round < rounds; round += 1) {
    for (const bundle of bundles) {
      const command = `stty cols 120 rows 40 && exec node ${self} --child ${bundle} ${out}`;
      const run = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
      if (run.status !== 0) throw new Error(`replay of ${bundle} failed (exit ${run.status})`);
      results.get(bundle).push(JSON.parse(readFileSync(out, 'utf8')));
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`## the live view replaying ${STACKS} stacks over ${RUN_MS / 1000} s, ${rounds} rounds interleaved, medians (load average now ${readLoad()})`);
  console.log('| bundle | CPU | of it loading | frames | bytes written | worst event-loop delay |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [bundle, runs] of results) {
    const pick = (key) => median(runs.map((run) => run[key]));
    console.log(`| ${bundle} | ${pick('cpuMs')} ms | ${pick('loadCpuMs')} ms | ${pick('frames')} | ${pick('bytes')} | ${pick('delayMaxMs')} ms |`);
  }
}

function readLoad() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

async function replay(bundle, out) {
  process.env.NODE_ENV ??= 'production';
  const cpuAtStart = process.cpuUsage();
  let bytes = 0;
  let frames = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    bytes += chunk.length;
    // ink begins every frame with "begin synchronized update".
    if (String(chunk).includes('\u001B[?2026h')) frames += 1;
    return write(chunk, ...rest);
  };
  const listeners = new Set();
  const history = [];
  let finish;
  const done = new Promise((settle) => (finish = settle));
  const handle = {
    subscribe(listener) {
      for (const event of history) listener(event);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    interrupt() {},
    done,
    expectedDurations: new Map(),
  };
  const emit = (event) => {
    history.push(event);
    for (const listener of listeners) listener(event);
  };
  const shown = bundle === 'none' ? undefined : (await import(bundle)).runLiveRunUi({ run: handle, color: false });
  const loaded = process.cpuUsage(cpuAtStart);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const runId = 'replay';
  const at = () => new Date().toISOString();
  const names = Array.from({ length: STACKS }, (_, index) => `s${String(index).padStart(4, '0')}`);
  emit({ type: 'run.started', runId, command: 'apply', stacks: names, concurrency: 8, at: at() });
  for (const stack of names) emit({ type: 'stack.queued', runId, stack, at: at() });
  const started = performance.now();
  const running = [];
  let next = 0;
  await new Promise((settle) => {
    const step = () => {
      const due = Math.min(STACKS, Math.floor((performance.now() - started) / (RUN_MS / STACKS)));
      while (next < due) {
        if (running.length >= 8) emit({ type: 'stack.finished', runId, stack: running.shift(), status: 'succeeded', durationMs: 12, at: at() });
        const stack = names[next++];
        running.push(stack);
        emit({ type: 'stack.started', runId, stack, at: at() });
        emit({ type: 'stack.step', runId, stack, step: 'apply', at: at() });
      }
      if (next < STACKS) return void setTimeout(step, 1);
      for (const stack of running.splice(0)) emit({ type: 'stack.finished', runId, stack, status: 'succeeded', durationMs: 12, at: at() });
      settle();
    };
    setTimeout(step, 1);
  });
  const summary = { total: STACKS, succeeded: STACKS, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: RUN_MS };
  emit({ type: 'run.finished', runId, status: 'succeeded', summary, at: at() });
  finish(summary);
  await shown;
  delay.disable();
  const cpu = process.cpuUsage(cpuAtStart);
  const ms = (usage) => Math.round((usage.user + usage.system) / 1000);
  writeFileSync(out, JSON.stringify({ cpuMs: ms(cpu), loadCpuMs: ms(loaded), frames, bytes, delayMaxMs: Math.round(delay.max / 1e6) }));
  process.exit(0);
}
