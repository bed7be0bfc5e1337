#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json), like the bundles it runs: an ES module entry
// would start Node's ES module loader, ~10 % of what `node -e 0` costs,
// before anything of ours runs (docs/benchmarks.md).
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const argv = process.argv.slice(2);

// V8 optimizes a function once it has run for a budget of bytecode; the
// default suits long-lived processes. A command that runs stacks spends its
// seconds in many small functions between processes: with the default, a
// 500-stack apply spent ~0.3 s of CPU in the optimizing compiler's threads,
// mostly on code whose hot part was over by the time the optimized version
// was ready. At 4.5 times the budget that is ~0.06 s and the run takes ~10 %
// less CPU. Commands that compute in one burst (`list --order` on 10,000
// stacks: ~+14 % CPU with it) keep the default (docs/benchmarks.md, issue
// #17). A word that merely looks like one of these commands (an option's
// value) only picks the other code cache.
const SHORT_RUN_V8_FLAGS = '--interrupt-budget=600000';
const STACK_RUNNING_COMMANDS = new Set(['plan', 'apply', 'destroy', 'run', 'drift', 'resume', 'worker', 'ui']);

/** Sets them for a command that runs stacks, before its code compiles; returns what it set. */
function setShortRunFlags() {
  if (argv.length > 0 && !argv.some((arg) => STACK_RUNNING_COMMANDS.has(arg))) return undefined;
  require('node:v8').setFlagsFromString(SHORT_RUN_V8_FLAGS);
  return SHORT_RUN_V8_FLAGS;
}

// The version needs nothing but package.json: answered before any code loads.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else {
  void run();
}

async function run() {
  const entries = loadEntries();
  // What a shell runs on every Tab takes the small entry (no commander, no
  // manifest validation); it declines anything else it is handed.
  const quick = argv[0] === '__complete' || argv[0] === 'completion';
  if (quick && (await (await entries.quickMain()).quickMain(argv))) return;
  // `list` is the same program as main without the other commands' handlers
  // and what only they import: half the code to load (docs/benchmarks.md).
  (await (argv[0] === 'list' ? entries.list() : entries.main())).main(argv);
}

// `npm run build` bundles the CLI into dist/bundle, run through V8's code
// cache (start-up is mostly loading and compiling code; docs/benchmarks.md).
// A bare `tsc -b` after an edit leaves that bundle behind the sources, so it
// is only used when no package's build is newer than it; otherwise the
// modules tsc wrote run directly.
function loadEntries() {
  const bundleDir = join(__dirname, '..', 'dist', 'bundle');
  if (!isBundleFresh(bundleDir)) {
    const main = () => import('../dist/main.js');
    return { quickMain: () => import('../dist/quick-main.js'), list: main, main };
  }
  const { loadCachedBundle } = require(join(bundleDir, 'load-cached-bundle.cjs'));
  const load = async (name, v8Flags) => loadCachedBundle(join(bundleDir, `${name}.cjs`), { label: argv[0] ?? '', env: process.env, v8Flags });
  return { quickMain: () => load('quick-main'), list: () => load('list'), main: () => load('main', setShortRunFlags()) };
}

function isBundleFresh(bundleDir) {
  const bundled = mtime(join(bundleDir, 'main.cjs'));
  if (bundled === undefined) return false;
  // In the workspace each package's tsc build records itself in dist/.tsbuildinfo;
  // an installed package has none of them and always uses its bundle.
  for (const name of ['cli', 'core', 'policy', 'github', 'runner', 'state', 'vcs', 'tui']) {
    const built = mtime(join(__dirname, '..', '..', name, 'dist', '.tsbuildinfo'));
    if (built !== undefined && built > bundled) return false;
  }
  return true;
}

function mtime(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}
