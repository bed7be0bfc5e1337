#!/usr/bin/env node
import { statSync } from 'node:fs';

// `npm run build` bundles the CLI into dist/bundle (start-up is mostly module
// loading; docs/benchmarks.md). A bare `tsc -b` after an edit leaves that
// bundle behind the sources, so it is only used when no package's build is
// newer than it; otherwise the modules tsc wrote run directly.
const dist = isBundleFresh() ? '../dist/bundle/' : '../dist/';
const argv = process.argv.slice(2);
// What a shell runs on every Tab takes the small entry (no commander, no
// manifest validation); it declines anything else it is handed.
const quick = argv[0] === '__complete' || argv[0] === 'completion';
if (!quick || !(await (await import(`${dist}quick-main.js`)).quickMain(argv))) {
  const { main } = await import(`${dist}main.js`);
  main(argv);
}

function isBundleFresh() {
  const bundled = mtime(new URL('../dist/bundle/main.js', import.meta.url));
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
