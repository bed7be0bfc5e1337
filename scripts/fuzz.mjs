#!/usr/bin/env node
/**
 * Manifest fuzzer: `npm run fuzz` (FUZZ_CASES, default 3000; FUZZ_SEED).
 *
 * A seeded mutator builds hostile `stacks.yaml` files from a few valid fleets:
 * YAML-level mutations (lines dropped, duplicated, swapped, re-indented,
 * cut; YAML punctuation, anchors, aliases and merge keys inserted), alias
 * bombs, huge values, deep nesting, thousands of expressions and dependency
 * cycles. Each case runs `parseManifest` in a worker thread with a time limit
 * (a case over it is a hang: the worker is terminated and replaced) and a heap
 * limit; some cases also run through the built `stackfleet validate`.
 *
 * Anything but a valid manifest or a `ValidationError`/`StackfleetError` is an
 * internal error. Exits 1 on any internal error, hang or out-of-memory.
 *
 *   node scripts/fuzz.mjs [--cases N] [--cli N] [--seed S] [--timeout MS] [--scale F] [--json]
 *
 * test/e2e/fuzz.test.ts runs 200 cases; docs/reliability.md has the figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliBin = join(repoRoot, 'packages/cli/bin/stackfleet.js');
const coreEntry = pathToFileURL(join(repoRoot, 'packages/core/dist/index.js')).href;

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

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
let core;
parentPort.on('message', async ({ id, text }) => {
  core ??= await import(${JSON.stringify(coreEntry)});
  try {
    core.parseManifest(text, 'stacks.yaml');
    parentPort.postMessage({ id, outcome: 'valid' });
  } catch (error) {
    if (error instanceof core.ValidationError || core.isStackfleetError(error)) {
      const problems = error.problems ?? [];
      const unlocated = problems.filter((problem) => problem.location === undefined).length;
      const rawNewline = problems.some((problem) => problem.message.includes('\\n'));
      const longest = problems.reduce((max, problem) => Math.max(max, problem.message.length), error.message.length > 100000 ? error.message.length : 0);
      parentPort.postMessage({ id, outcome: 'invalid', unlocated, rawNewline, longest });
    } else {
      parentPort.postMessage({ id, outcome: 'internal', detail: String(error && error.stack || error).split('\\n').slice(0, 4).join(' | ') });
    }
  }
});
`;

class CaseRunner {
  constructor(timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.worker = undefined;
  }

  start() {
    // 512 MB of heap per worker: a case that needs more is an out-of-memory failure.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    this.worker.unref();
  }

  run(id, text) {
    if (!this.worker) this.start();
    const worker = this.worker;
    return new Promise((resolve) => {
      const finish = (result) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(result);
      };
      const onMessage = (message) => {
        if (message.id === id) finish(message);
      };
      const onError = (error) => {
        this.worker = undefined;
        const oom = error?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish({ id, outcome: oom ? 'oom' : 'internal', detail: String(error?.message ?? error) });
      };
      const timer = setTimeout(() => {
        this.worker = undefined;
        void worker.terminate();
        finish({ id, outcome: 'hang' });
      }, this.timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, text });
    });
  }

  async close() {
    await this.worker?.terminate();
  }
}

// ---------------------------------------------------------------- CLI runs

function runThroughCli(text, timeoutMs) {
  const dir = mkdtempSync(join(tmpdir(), 'stackfleet-fuzz-'));
  try {
    writeFileSync(join(dir, 'stacks.yaml'), text);
    const result = spawnSync(process.execPath, [cliBin, 'validate'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: timeoutMs * 2, // a process also starts up
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.error?.code === 'ETIMEDOUT' || result.signal === 'SIGTERM') return { outcome: 'hang' };
    if (/internal error/.test(result.stderr ?? '')) return { outcome: 'internal', detail: result.stderr.split('\n').slice(0, 4).join(' | ') };
    if (result.status !== 0 && result.status !== 1) return { outcome: 'internal', detail: `exit ${result.status} ${result.signal ?? ''}` };
    return { outcome: result.status === 0 ? 'valid' : 'invalid' };
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
  let peakRssBytes = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  }, 20);
  const runner = new CaseRunner(options.timeoutMs);
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
      note('in-process', index, generated, await runner.run(index, generated.text));
    }
    const cliCounts = { cases: 0, internal: 0, hang: 0 };
    for (let index = 0; index < options.cli; index += 1) {
      // Every tenth case, so the CLI sees every kind.
      const caseIndex = index * 10;
      const generated = generateCase(options.seed, caseIndex, options.scale);
      const result = runThroughCli(generated.text, options.timeoutMs);
      cliCounts.cases += 1;
      if (result.outcome === 'internal' || result.outcome === 'hang') {
        cliCounts[result.outcome] += 1;
        if (failures.length < 40) failures.push({ where: 'cli', index: caseIndex, kind: generated.kind, outcome: result.outcome, detail: result.detail });
      }
    }
    return {
      seed: options.seed,
      scale: options.scale,
      cases: options.cases,
      ...counts,
      cli: cliCounts,
      byKind,
      peakRssMb: Math.round(peakRssBytes / 1024 / 1024),
      durationS: Math.round((Date.now() - started) / 100) / 10,
      failures,
    };
  } finally {
    clearInterval(sampler);
    await runner.close();
  }
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
        `  cli: internal errors ${report.cli.internal}, hangs ${report.cli.hang}`,
        `  peak RSS ${report.peakRssMb} MB`,
        `  by kind: ${Object.entries(report.byKind).map(([kind, { cases, failures }]) => `${kind} ${cases}${failures ? ` (${failures} failed)` : ''}`).join(', ')}`,
        ...report.failures.map((failure) => `  ${failure.where} #${failure.index} ${failure.kind}: ${failure.outcome} ${failure.detail ?? ''}`),
        '',
      ].join('\n'),
    );
  }
  const failed = report.internal + report.hang + report.oom + report.cli.internal + report.cli.hang;
  process.exitCode = failed > 0 ? 1 : 0;
}
