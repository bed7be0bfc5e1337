#!/usr/bin/env node
/**
 * Manifest fuzzer: `npm run fuzz` (FUZZ_CASES, default 3000; FUZZ_SEED).
 *
 * A seeded mutator builds hostile `stacks.yaml` files from a few valid fleets:
 * YAML-level mutations (lines dropped, duplicated, swapped, re-indented,
 * cut; YAML punctuation, anchors, aliases and merge keys inserted), alias
 * bombs, huge values, deep nesting, thousands of expressions and dependency
 * cycles. Each case runs `parseManifest` in a child process with a time limit
 * (a case over it is a hang: the process is killed and replaced) and a 256 MB
 * heap limit (a case over it is out of memory: a failure); some cases also run
 * through the built `stackfleet validate`, with the same heap limit.
 *
 * Anything but a valid manifest or a `ValidationError`/`StackfleetError` is an
 * internal error. Peak RSS is that of the processes running stackfleet on a
 * case, not the fuzzer's own. Exits 1 on any internal error, hang or
 * out-of-memory.
 *
 *   node scripts/fuzz.mjs [--cases N] [--cli N] [--seed S] [--timeout MS] [--scale F] [--json]
 *
 * test/e2e/fuzz.test.ts runs 200 cases; docs/reliability.md has the figures.
 */
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliBin = join(repoRoot, 'packages/cli/bin/stackfleet.js');

// ---------------------------------------------------------------- options

function readOptions(argv) {
  const options = {
    cases: Number(process.env.FUZZ_CASES ?? 3000),
    cli: undefined,
    seed: Number(process.env.FUZZ_SEED ?? 1),
    timeoutMs: 5000,
    json: false,
    scale: 1,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const next = () => Number(argv[(index += 1)]);
    if (flag === '--cases') options.cases = next();
    else if (flag === '--cli') options.cli = next();
    else if (flag === '--seed') options.seed = next();
    else if (flag === '--timeout') options.timeoutMs = next();
    else if (flag === '--json') options.json = true;
    else if (flag === '--scale') options.scale = next();
    else throw new Error(`unknown flag ${flag}`);
  }
  // Through the CLI costs a process each: a tenth of the cases, at most 200.
  options.cli ??= Math.min(200, Math.ceil(options.cases / 10));
  return options;
}

// ---------------------------------------------------------------- random

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

// ---------------------------------------------------------------- seeds

const SEED_MANIFESTS = [
  `version: 1
variables:
  region: eu-west-1
  tags: { team: core, env: prod }
x-defaults: &defaults { runner: command, labels: [core] }
contexts:
  aws:
    attachTo: { labels: [core] }
    priority: 10
    env: { AWS_REGION: "\${{ vars.region }}" }
    secrets: { TOKEN: { fromEnv: MY_TOKEN } }
    files: { "backend.auto.tfvars": "bucket = \\"state\\"\\n" }
    hooks: { beforePlan: ["echo \${{ stack.name }}"] }
stacks:
  network:
    <<: *defaults
    path: stacks/network
    commands: { plan: "exit 2", apply: "echo ok" }
  db:
    <<: *defaults
    path: stacks/db
    dependsOn: [network]
    vars: { cidr: 10.0.0.0/16 }
    commands: { apply: "true" }
  app:
    runner: command
    path: stacks/app
    dependsOn:
      - stack: db
        outputs: { host: DB_HOST }
        mock: { host: localhost }
    env: { URL: "\${{ stacks.network.outputs.url }}" }
    timeout: 30m
    retries: { attempts: 2, on: ["429", "/rate limit/i"] }
    commands: { apply: "./deploy.sh" }
`,
  `version: 1
settings: { concurrency: 4, stateDir: .stackfleet, limits: { prod: 1 } }
stacks:
  a: { runner: command, path: a, labels: [prod], commands: { apply: "true" } }
  b: { runner: command, path: b, after: [a], commands: { apply: "true" } }
  c: { runner: terraform, path: c, dependsOn: [a, b], vars: { list: [1, 2, 3], map: { k: v } } }
`,
];

function generatedFleet(random, count) {
  const lines = ['version: 1', 'stacks:'];
  for (let index = 0; index < count; index += 1) {
    const deps = [];
    for (let back = 1; back <= 3 && index - back >= 0; back += 1) if (random.chance(0.5)) deps.push(`s${index - back}`);
    lines.push(`  s${index}:`, '    runner: command', `    path: s${index}`, `    dependsOn: [${deps.join(', ')}]`, '    commands: { apply: "true" }');
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- mutations

const PUNCTUATION = ['&a', '*a', '<<: *a', '<<: 1', '<<: [1]', '- ', ': ', '[', ']', '{', '}', '"', "'", '#', '|', '>', '!!str', '!!binary', '%YAML 1.2', '---', '...', '? ', '${{', '}}', '${{ vars.x }}', '${{ stacks.a.outputs.b }}', '\t', '\0', '\\u0000', '@', '`', '&a &b', '*undefined'];

function mutateLines(random, text) {
  const lines = text.split('\n');
  const edits = 1 + random.int(4);
  for (let edit = 0; edit < edits; edit += 1) {
    const at = random.int(lines.length);
    switch (random.int(8)) {
      case 0:
        lines.splice(at, 1);
        break;
      case 1:
        lines.splice(at, 0, lines[random.int(lines.length)] ?? '');
        break;
      case 2: {
        const other = random.int(lines.length);
        [lines[at], lines[other]] = [lines[other], lines[at]];
        break;
      }
      case 3:
        lines[at] = random.chance(0.5) ? `  ${lines[at]}` : (lines[at] ?? '').replace(/^ {1,2}/, '');
        break;
      case 4: {
        const line = lines[at] ?? '';
        const column = random.int(line.length + 1);
        lines[at] = `${line.slice(0, column)}${random.pick(PUNCTUATION)}${line.slice(column)}`;
        break;
      }
      case 5:
        lines[at] = (lines[at] ?? '').slice(0, random.int((lines[at] ?? '').length + 1));
        break;
      case 6:
        return lines.slice(0, at).join('\n'); // cut the file short
      default: {
        const line = lines[at] ?? '';
        const column = random.int(line.length + 1);
        lines[at] = `${line.slice(0, column)}${String.fromCharCode(random.int(0x3000))}${line.slice(column + 1)}`;
      }
    }
  }
  return lines.join('\n');
}

function aliasBomb(random) {
  const width = 2 + random.int(9);
  const levels = 3 + random.int(8);
  const lines = ['version: 1', 'variables:', `  a0: &a0 [${Array(width).fill('"xxxxxxxxxx"').join(',')}]`];
  for (let level = 1; level <= levels; level += 1) {
    const item = random.chance(0.2) ? `{<<: *a${level - 1}}` : `*a${level - 1}`;
    lines.push(`  a${level}: &a${level} [${Array(width).fill(item).join(',')}]`);
  }
  if (random.chance(0.3)) lines.push(`  merged: { <<: [${Array(width).fill(`*a${levels}`).join(',')}] }`);
  lines.push('stacks:', '  s: { runner: command, path: ., commands: { apply: "true" } }');
  if (random.chance(0.5)) lines.push('  bad: 3'); // a bomb plus another problem
  return `${lines.join('\n')}\n`;
}

function hugeValue(random, scale) {
  const size = 1000 + random.int(2_000_000 * scale);
  const piece = random.pick(['x', 'line\\n', '${{ vars.x }}', '${{ nope }}', '"', '\\u0000', '${{']);
  const value = piece.repeat(Math.ceil(size / piece.length)).slice(0, size);
  const where = random.pick(['variables:\n  v', 'stacks:\n  s:\n    runner', 'stacks:\n  s:\n    path', 'stacks:\n  s:\n    env:\n      E', 'stacks:\n  s:\n    dependsOn:\n      -']);
  const text = `version: 1\n${where}: "${value.replaceAll('"', '\\"')}"\n`;
  return where.startsWith('variables') ? `${text}stacks:\n  s: { runner: command, path: ., commands: { apply: "true" } }\n` : text;
}

function deepNesting(random, scale) {
  const depth = 100 + random.int(20_000 * scale);
  if (random.chance(0.5)) return `version: 1\nvariables:\n  deep: ${'['.repeat(depth)}${']'.repeat(depth)}\nstacks: {}\n`;
  const lines = ['version: 1', 'variables:'];
  const block = Math.min(depth, 3000);
  for (let level = 0; level < block; level += 1) lines.push(`${'  '.repeat(level + 1)}k${level}:`);
  lines.push(`${'  '.repeat(block + 1)}leaf`);
  return `${lines.join('\n')}\nstacks: {}\n`;
}

function cycles(random, scale) {
  const count = 2 + random.int(3000 * scale);
  const lines = ['version: 1', 'stacks:'];
  for (let index = 0; index < count; index += 1) {
    const deps = [];
    for (let back = 1; back <= 8 && index - back >= 0; back += 1) deps.push(`s${index - back}`);
    if (index === 0 || random.chance(2 / count)) deps.push(`s${random.int(count)}`);
    // Inside the flow map: on a line of its own it made every large fleet invalid YAML.
    const ref = random.chance(0.01) ? `, env: { X: "\${{ stacks.s${random.int(count)}.outputs.o }}" }` : '';
    lines.push(`  s${index}: { runner: command, path: ., dependsOn: [${deps.join(', ')}], commands: { apply: "true" }${ref} }`);
  }
  return `${lines.join('\n')}\n`;
}

function manyExpressions(random, scale) {
  const count = 1000 + random.int(200_000 * scale);
  const expression = random.pick(['${{ vars.x }}', '${{ vars.v }}', '${{ env.HOME }}', '${{ stacks.s.outputs.o }}', '${{ a.b }}']);
  return `version: 1\nvariables:\n  v: "${expression.repeat(count)}"\nstacks:\n  s: { runner: command, path: ., commands: { apply: "true" } }\n`;
}

function hostileRetries(random) {
  const pattern = random.pick(['/(a+)+$/', '/(a|aa)*b/', '/(.*a){20}/', '/(a)\\\\1/', '/x(?=y)/', '/[/', '/a/z', `/${'('.repeat(1000)}a${')'.repeat(1000)}/`]);
  return `version: 1\nstacks:\n  s: { runner: command, path: ., retries: { attempts: 2, on: ["${pattern}"] }, commands: { apply: "true" } }\n`;
}

/**
 * Case number `index` of the run seeded `seed`: same inputs, same case.
 * `scale` shrinks the big cases (huge values, nesting, fleets) for quick runs.
 */
export function generateCase(seed, index, scale = 1) {
  const random = createRandom(seed * 1_000_003 + index);
  const kind = random.pick(['mutate', 'mutate', 'mutate', 'mutate', 'bomb', 'huge', 'deep', 'cycles', 'expressions', 'retries', 'generated']);
  switch (kind) {
    case 'bomb':
      return { kind, text: aliasBomb(random) };
    case 'huge':
      return { kind, text: hugeValue(random, scale) };
    case 'deep':
      return { kind, text: deepNesting(random, scale) };
    case 'cycles':
      return { kind, text: cycles(random, scale) };
    case 'expressions':
      return { kind, text: manyExpressions(random, scale) };
    case 'retries':
      return { kind, text: hostileRetries(random) };
    case 'generated':
      return { kind, text: mutateLines(random, generatedFleet(random, 1 + random.int(200 * scale))) };
    default: {
      let text = random.pick(SEED_MANIFESTS);
      const rounds = 1 + random.int(3);
      for (let round = 0; round < rounds; round += 1) text = mutateLines(random, text);
      return { kind, text };
    }
  }
}

// ---------------------------------------------------------------- in-process runs

// The heap a process running stackfleet on a case gets: a case that needs
// more is an out-of-memory failure, never retried.
const HEAP_LIMIT_MB = 256;
const HEAP_FLAG = `--max-old-space-size=${HEAP_LIMIT_MB}`;
const caseProcessScript = join(repoRoot, 'scripts/fuzz-case-process.mjs');
const rssProbe = join(repoRoot, 'scripts/fuzz-rss-probe.cjs');

// A stackfleet process reads one manifest; the case process reads thousands.
// Once what earlier cases left in it (memory freed but kept by the allocator,
// fragments) passes this, it is replaced, so its peak is still about a case.
const LEFTOVER_LIMIT_KB = 48 * 1024;

/**
 * Runs cases in a long-lived child process (scripts/fuzz-case-process.mjs)
 * with the heap limit. A case over the time limit is a hang: the process is
 * killed and the next case gets a new one. A process that dies on a case
 * (out of memory, a crash) fails that case and is replaced. Its peak RSS is
 * what the figures report: the memory of running stackfleet, not of the
 * fuzzer that generates the cases.
 */
class CaseRunner {
  constructor(timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.child = undefined;
    this.ready = undefined;
    this.peakRssKb = 0;
    this.processes = 0;
  }

  start() {
    const child = fork(caseProcessScript, [], { execArgv: [HEAP_FLAG, '--expose-gc'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child.stderrText = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      child.stderrText = `${child.stderrText}${chunk}`.slice(-4000);
    });
    this.child = child;
    this.processes += 1;
    // A process that dies before it is ready fails its first case (below).
    this.ready = new Promise((resolve) => {
      child.once('message', (message) => {
        child.freshRssKb = message.rssKb;
        resolve();
      });
      child.once('close', resolve);
    });
  }

  async run(id, file) {
    if (!this.child) this.start();
    const child = this.child;
    await this.ready;
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = undefined;
        resolve({ id, outcome: 'internal', detail: `case process exited ${child.exitCode ?? child.signalCode} before the case: ${child.stderrText.slice(-300)}` });
        return;
      }
      const finish = (result) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('close', onClose);
        if (result.peakRssKb) this.peakRssKb = Math.max(this.peakRssKb, result.peakRssKb);
        if (this.child === child && result.rssBeforeKb > child.freshRssKb + LEFTOVER_LIMIT_KB) this.replace();
        resolve(result);
      };
      const onMessage = (message) => {
        if (message.id === id) finish(message);
      };
      // 'close', not 'exit': by then stderr has drained, with V8's out-of-memory report.
      const onClose = (code, signal) => {
        this.child = undefined;
        const oom = /heap out of memory|Reached heap limit/.test(child.stderrText);
        finish({ id, outcome: oom ? 'oom' : 'internal', detail: oom ? `over the ${HEAP_LIMIT_MB} MB heap` : `case process exited ${code ?? signal}: ${child.stderrText.slice(-300)}` });
      };
      const timer = setTimeout(() => {
        child.off('close', onClose);
        this.child = undefined;
        const peakRssKb = readPeakRssKb(child.pid);
        child.kill('SIGKILL');
        finish({ id, outcome: 'hang', peakRssKb });
      }, this.timeoutMs);
      child.on('message', onMessage);
      child.on('close', onClose);
      child.send({ id, file });
    });
  }

  /** The next case gets a new process. */
  replace() {
    this.child?.kill();
    this.child = undefined;
  }

  close() {
    this.replace();
  }
}

/** A live process's peak RSS so far (Linux), for a case killed as a hang; 0 where unknown. */
function readPeakRssKb(pid) {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- CLI runs

function runThroughCli(text, timeoutMs) {
  const dir = mkdtempSync(join(tmpdir(), 'stackfleet-fuzz-'));
  const rssFile = join(dir, 'peak-rss');
  try {
    writeFileSync(join(dir, 'stacks.yaml'), text);
    const result = spawnSync(process.execPath, [HEAP_FLAG, '--require', rssProbe, cliBin, 'validate'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: timeoutMs * 2, // a process also starts up
      env: { ...process.env, CI: 'true', NO_COLOR: '1', STACKFLEET_FUZZ_RSS_FILE: rssFile },
      maxBuffer: 256 * 1024 * 1024,
    });
    const peakRssKb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : 0;
    if (result.error?.code === 'ETIMEDOUT' || result.signal === 'SIGTERM') return { outcome: 'hang', peakRssKb };
    if (/heap out of memory|Reached heap limit/.test(result.stderr ?? '')) return { outcome: 'oom', peakRssKb, detail: `over the ${HEAP_LIMIT_MB} MB heap` };
    if (/internal error/.test(result.stderr ?? '')) return { outcome: 'internal', peakRssKb, detail: result.stderr.split('\n').slice(0, 4).join(' | ') };
    if (result.status !== 0 && result.status !== 1) return { outcome: 'internal', peakRssKb, detail: `exit ${result.status} ${result.signal ?? ''}` };
    return { outcome: result.status === 0 ? 'valid' : 'invalid', peakRssKb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

export async function runFuzz(options) {
  const started = Date.now();
  const counts = { valid: 0, invalid: 0, internal: 0, hang: 0, oom: 0, unlocated: 0, rawNewline: 0, hugeMessage: 0 };
  const failures = [];
  const byKind = {};
  // The case that raised a peak: the case process's RSS only grows, so that is the heaviest case (with what earlier ones left).
  const peaks = { 'in-process': { peakRssKb: 0 }, cli: { peakRssKb: 0 } };
  const notePeak = (where, index, generated, result) => {
    if ((result.peakRssKb ?? 0) > peaks[where].peakRssKb) peaks[where] = { peakRssKb: result.peakRssKb, index, kind: generated.kind };
  };
  const runner = new CaseRunner(options.timeoutMs);
  const caseDir = mkdtempSync(join(tmpdir(), 'stackfleet-fuzz-'));
  const caseFile = join(caseDir, 'stacks.yaml');
  const note = (where, index, generated, result) => {
    counts[result.outcome] += 1;
    byKind[generated.kind] ??= { cases: 0, failures: 0 };
    byKind[generated.kind].cases += 1;
    if (result.unlocated) counts.unlocated += 1;
    if (result.rawNewline) counts.rawNewline += 1;
    if (result.longest > 1000) counts.hugeMessage += 1;
    if (result.outcome === 'internal' || result.outcome === 'hang' || result.outcome === 'oom') {
      byKind[generated.kind].failures += 1;
      if (failures.length < 20) failures.push({ where, index, kind: generated.kind, outcome: result.outcome, detail: result.detail });
    }
  };
  try {
    for (let index = 0; index < options.cases; index += 1) {
      const generated = generateCase(options.seed, index, options.scale);
      writeFileSync(caseFile, generated.text);
      const result = await runner.run(index, caseFile);
      notePeak('in-process', index, generated, result);
      note('in-process', index, generated, result);
    }
    const cliCounts = { cases: 0, internal: 0, hang: 0, oom: 0 };
    for (let index = 0; index < options.cli; index += 1) {
      // Every tenth case, so the CLI sees every kind.
      const caseIndex = index * 10;
      const generated = generateCase(options.seed, caseIndex, options.scale);
      const result = runThroughCli(generated.text, options.timeoutMs);
      notePeak('cli', caseIndex, generated, result);
      cliCounts.cases += 1;
      if (result.outcome === 'internal' || result.outcome === 'hang' || result.outcome === 'oom') {
        cliCounts[result.outcome] += 1;
        if (failures.length < 40) failures.push({ where: 'cli', index: caseIndex, kind: generated.kind, outcome: result.outcome, detail: result.detail });
      }
    }
    const toMb = (kb) => Math.round(kb / 1024);
    const describePeak = ({ peakRssKb, index, kind }) => ({ peakRssMb: toMb(peakRssKb), index, kind });
    return {
      seed: options.seed,
      scale: options.scale,
      cases: options.cases,
      ...counts,
      cli: cliCounts,
      byKind,
      heapLimitMb: HEAP_LIMIT_MB,
      caseProcesses: runner.processes,
      peakRssMb: toMb(Math.max(peaks['in-process'].peakRssKb, peaks.cli.peakRssKb)),
      peakRss: { inProcess: describePeak(peaks['in-process']), cli: describePeak(peaks.cli) },
      // The generator's own memory, for information: not a figure of stackfleet's.
      fuzzerRssMb: toMb(process.resourceUsage().maxRSS),
      durationS: Math.round((Date.now() - started) / 100) / 10,
      failures,
    };
  } finally {
    runner.close();
    rmSync(caseDir, { recursive: true, force: true });
  }
}

function describePeak({ peakRssMb, index, kind }) {
  return index === undefined ? 'none' : `${peakRssMb} MB (case #${index}, ${kind})`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const options = readOptions(process.argv.slice(2));
  const report = await runFuzz(options);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    process.stdout.write(
      [
        `fuzz: seed ${report.seed}, ${report.cases} cases in-process, ${report.cli.cases} through \`stackfleet validate\`, ${report.durationS} s`,
        `  valid ${report.valid}, invalid ${report.invalid} (unlocated ${report.unlocated}, raw newline in a message ${report.rawNewline}, message over 1,000 characters ${report.hugeMessage})`,
        `  internal errors ${report.internal}, hangs over ${options.timeoutMs / 1000} s ${report.hang}, out of memory ${report.oom}`,
        `  cli: internal errors ${report.cli.internal}, hangs ${report.cli.hang}, out of memory ${report.cli.oom}`,
        `  peak RSS of a process running stackfleet (${report.heapLimitMb} MB heap limit) ${report.peakRssMb} MB: in-process ${describePeak(report.peakRss.inProcess)}, \`stackfleet validate\` ${describePeak(report.peakRss.cli)} (${report.caseProcesses} case processes; the fuzzer itself ${report.fuzzerRssMb} MB)`,
        `  by kind: ${Object.entries(report.byKind).map(([kind, { cases, failures }]) => `${kind} ${cases}${failures ? ` (${failures} failed)` : ''}`).join(', ')}`,
        ...report.failures.map((failure) => `  ${failure.where} #${failure.index} ${failure.kind}: ${failure.outcome} ${failure.detail ?? ''}`),
        '',
      ].join('\n'),
    );
  }
  const failed = report.internal + report.hang + report.oom + report.cli.internal + report.cli.hang + report.cli.oom;
  process.exitCode = failed > 0 ? 1 : 0;
}
