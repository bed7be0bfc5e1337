// Bundles the compiled CLI (dist/main.js and everything it imports, lazily
// or not) into dist/bundle/: one entry file plus a chunk per lazily loaded
// part. Start-up was mostly module loading (~400 files resolved, read and
// compiled one by one for `--version`, docs/benchmarks.md); a bundle makes it
// a handful. Runs after `tsc -b` as part of `npm run build`; bin/stackfleet.js
// falls back to dist/main.js when the bundle is missing or older than a build.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceDir = join(packageDir, '..', '..');

// Pure JavaScript start-up dependencies are bundled. The rest stays external:
// native addons and files found beside the code at run time (better-sqlite3,
// pg, @cdktf/hcl2json's wasm), and the UI's React/ink, which only `ui` and
// the live run view load.
const EXTERNAL = ['better-sqlite3', 'pg', 'pg-native', '@cdktf/hcl2json', 'ink', 'react', 'react/*', 'ink-*'];

// zod re-exports every locale (`z.locales`, ~300 KB minified, a quarter of
// the core chunk) and a namespace re-export cannot be tree-shaken. We use
// English only (zod's default, which it imports on its own): the locale
// index becomes just that one, so every command that reads the manifest
// parses and compiles 300 KB less at start-up.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

// Chunk names carry a content hash: clear out the previous build's.
rmSync(join(packageDir, 'dist', 'bundle'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: workspaceDir,
  // quick-main: the small entry the bin takes for completion (no commander).
  entryPoints: { main: join(packageDir, 'dist', 'main.js'), 'quick-main': join(packageDir, 'dist', 'quick-main.js') },
  outdir: join(packageDir, 'dist', 'bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  // V8 parses a module's whole text before running it: fewer bytes, faster
  // start. Identifiers are not mangled: stack traces of internal errors stay
  // readable (mangling gained ~10 % on `list`, within this machine's noise;
  // keepNames made it slower).
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
  // Bundled CommonJS modules (commander, picomatch) call require() for Node built-ins.
  banner: { js: "import { createRequire as __stackfleetCreateRequire } from 'node:module'; const require = __stackfleetCreateRequire(import.meta.url);" },
});
// The start-up e2e test maps each loaded chunk back to its input modules.
writeFileSync(join(packageDir, 'dist', 'bundle', 'meta.json'), JSON.stringify(result.metafile));
