#!/usr/bin/env node
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
// The version needs nothing but package.json: answered before any code loads.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const entries = await loadEntries();
  // What a shell runs on every Tab takes the small entry (no commander, no
  // manifest validation); it declines anything else it is handed.
  const quick = argv[0] === '__complete' || argv[0] === 'completion';
  if (!quick || !(await (await entries.quickMain()).quickMain(argv))) (await entries.main()).main(argv);
}

// `npm run build` bundles the CLI into dist/bundle, run through V8's code
// cache (start-up is mostly loading and compiling code; docs/benchmarks.md).
// A bare `tsc -b` after an edit leaves that bundle behind the sources, so it
// is only used when no package's build is newer than it; otherwise the
// modules tsc wrote run directly.
async function loadEntries() {
  if (!isBundleFresh()) {
    return { quickMain: () => import('../dist/quick-main.js'), main: () => import('../dist/main.js') };
  }
  const { loadCachedBundle } = await import('../dist/compile-cache/load-cached-bundle.js');
  const load = async (name) => loadCachedBundle(fileURLToPath(new URL(`../dist/bundle/${name}.cjs`, import.meta.url)), { label: argv[0] ?? '', env: process.env });
  return { quickMain: () => load('quick-main'), main: () => load('main') };
}

function isBundleFresh() {
  const bundled = mtime(new URL('../dist/bundle/main.cjs', import.meta.url));
  if (bundled === undefined) return false;
  // In the workspace each package's tsc build records itself in dist/.tsbuildinfo;
  // an installed package has none of them and always uses its bundle.
  for (const name of ['cli', 'core', 'policy', 'github', 'runner', 'state', 'vcs', 'tui']) {
    const built = mtime(new URL(`../../${name}/dist/.tsbuildinfo`, import.meta.url));
    if (built !== undefined && built > bundled) return false;
  }
  return true;
}

function mtime(url) {
  return statSync(url, { throwIfNoEntry: false })?.mtimeMs;
}
