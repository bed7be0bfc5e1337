#!/usr/bin/env node
import { statSync } from 'node:fs';

// `npm run build` bundles the CLI into dist/bundle (start-up is mostly module
// loading; docs/benchmarks.md). A bare `tsc -b` after an edit leaves that
// bundle behind the sources, so it is only used when no package's build is
// newer than it; otherwise the modules tsc wrote run directly.
const { main } = await import(isBundleFresh() ? '../dist/bundle/main.js' : '../dist/main.js');
main(process.argv.slice(2));

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
