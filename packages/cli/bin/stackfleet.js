#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json), like the bundles it runs: an ES module entry
// would start Node's ES module loader, ~10 % of what `node -e 0` costs,
// before anything of ours runs (docs/benchmarks.md).
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const argv = process.argv.slice(2);
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
  // Always before the main entry loads: its code cache holds V8's flags' hash.
  tuneForShortProcess();
  (await entries.main()).main(argv);
}

// `npm run build` bundles the CLI into dist/bundle, run through V8's code
// cache (start-up is mostly loading and compiling code; docs/benchmarks.md).
// A bare `tsc -b` after an edit leaves that bundle behind the sources, so it
// is only used when no package's build is newer than it; otherwise the
// modules tsc wrote run directly.
function loadEntries() {
  const bundleDir = join(__dirname, '..', 'dist', 'bundle');
  if (!isBundleFresh(bundleDir)) {
    return { quickMain: () => import('../dist/quick-main.js'), main: () => import('../dist/main.js') };
  }
  const { loadCachedBundle } = require(join(bundleDir, 'load-cached-bundle.cjs'));
  const load = async (name) => loadCachedBundle(join(bundleDir, `${name}.cjs`), { label: argv[0] ?? '', env: process.env });
  return { quickMain: () => load('quick-main'), main: () => load('main') };
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

// V8 optimizes a function once it has run for a budget of bytecode; the
// default suits long-lived processes. A CLI run lasts seconds: with it, a
// 500-stack apply spent ~0.3 s of CPU in the optimizing compiler's threads,
// mostly on code whose hot part was over by the time the optimized version
// was ready. At 4.5 times the budget that is ~0.06 s, and the main thread is
// no slower (docs/benchmarks.md, issue #17). The quick paths (version,
// completion) end too soon to care, and loading node:v8 costs them ~3 ms.
function tuneForShortProcess() {
  require('node:v8').setFlagsFromString('--interrupt-budget=600000');
}
