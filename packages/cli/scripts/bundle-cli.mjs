// Bundles the compiled CLI into dist/bundle/. Start-up was mostly module
// loading and then V8 compiling source (docs/benchmarks.md); a bundle makes
// loading a handful of files, and V8's code cache removes most of the
// compiling. Node 20 has a code cache for scripts only (`vm.Script`
// `cachedData`), so the two entries are CommonJS bundles that
// src/compile-cache/load-cached-bundle.ts runs through it:
//
// - main.cjs: dist/main.js and everything it imports, lazily or not (esbuild
//   keeps a lazily imported module's code uncalled until its import() runs);
// - quick-main.cjs: the small entry the bin takes for completion;
// - list.cjs: main again, for `list`, without the other commands' handlers
//   and what only they import (57 % of main's size): V8 deserializes a
//   bundle's top level and builds it (a function object per top-level
//   function, an export table per module) before anything runs, a cost
//   that grows with the bundle (issue #17);
// - load-cached-bundle.cjs: that loader, for the bin (also CommonJS);
// - tui.js: the UI as an ES module, because ink (and so the UI) is ESM only
//   and CommonJS cannot require it on Node 20; main.cjs imports it on demand.
//
// Runs after `tsc -b` as part of `npm run build`; bin/stackfleet.js falls back
// to dist/main.js when the bundle is missing or older than a build.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceDir = join(packageDir, '..', '..');
const outdir = join(packageDir, 'dist', 'bundle');

// Pure JavaScript start-up dependencies are bundled. The rest stays external:
// native addons and files found beside the code at run time (better-sqlite3,
// pg, @cdktf/hcl2json's wasm). The UI's React and ink are bundled into the UI
// bundle only (below); the CommonJS bundles never import them.
const NATIVE = ['better-sqlite3', 'pg', 'pg-native', '@cdktf/hcl2json'];
const EXTERNAL = [...NATIVE, 'ink', 'react', 'react/*', 'ink-*'];
// ES modules the CommonJS bundles import at run time, and where each is found.
const ESM_IMPORTS = { '@stackfleet/tui': './tui.js', '@cdktf/hcl2json': '@cdktf/hcl2json' };

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

// commander requires node:child_process at load, for executable subcommands
// we never declare; that module pulls in net, dgram, streams and more (~60
// internal modules Node compiles on every start). Required on first use instead.
const commanderChildProcessOnDemand = {
  name: 'commander-child-process-on-demand',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`${args.path}: commander no longer requires child_process as expected; update the bundle script`);
      return { contents: text.replace(eager, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
    });
  },
};

// Core checks drift schedules with cron-parser, which builds its fields and
// luxon's zones when it loads (~1.5 ms, most manifests have no schedule):
// in the CommonJS bundles its one function core calls loads it on first use.
const cronParserOnDemand = {
  name: 'cron-parser-on-demand',
  setup(plugin) {
    plugin.onResolve({ filter: /^cron-parser$/ }, (args) =>
      args.kind === 'import-statement' && /[\\/]packages[\\/]core[\\/]dist[\\/]/.test(args.importer)
        ? { path: args.importer, namespace: 'cron-parser-on-demand' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'cron-parser-on-demand' }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      // Only what core uses: a new use fails the build here, not at run time.
      if (!/^import \{ CronExpressionParser \} from 'cron-parser';$/m.test(text) || /CronExpressionParser(?!\.parse\(| \} from)/.test(text)) {
        throw new Error(`${args.path}: uses more of cron-parser than CronExpressionParser.parse; update the bundle script`);
      }
      return {
        contents: "export const CronExpressionParser = { parse: (...args) => require('cron-parser').CronExpressionParser.parse(...args) };",
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};

const common = {
  absWorkingDir: workspaceDir,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // V8 parses a module's whole text before running it: fewer bytes, faster
  // start. Identifiers are not mangled: stack traces of internal errors stay
  // readable (mangling gained ~10 % on `list`, within this machine's noise;
  // keepNames made it slower).
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [zodEnglishOnly, commanderChildProcessOnDemand, cronParserOnDemand],
};

// The quick entry reads the command table but never runs a handler: the
// handlers the table loads on demand are left out of its bundle (a stub that
// fails loudly stands in); the store, which only run ids to complete need,
// is not imported by it at all (main answers those): a twentieth of main's
// size. The list entry keeps `list`'s handler only.
/** Leaves out the handlers the command table loads on demand, but those of `keep` (file names in commands/). */
function handlersLeftOut(entry, keep = []) {
  return {
    name: 'handlers-left-out',
    setup(plugin) {
      plugin.onResolve({ filter: /^\.\.?\/(commands|completion)\// }, (args) => {
        if (args.kind !== 'dynamic-import' || keep.some((name) => args.path.endsWith(`/${name}`))) return undefined;
        const fromTable = /^\.\.\/commands\//.test(args.path) && /[\\/]command-table[\\/]commands\.js$/.test(args.importer);
        const fromCli = args.path === './completion/read-completion-runs.js' && /[\\/]run-cli\.js$/.test(args.importer);
        return fromTable || fromCli ? { path: args.path, namespace: 'left-out' } : undefined;
      });
      plugin.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not in the bundle of ${entry}`)});`,
      }));
    },
  };
}

const script = {
  ...common,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: [...EXTERNAL, '@stackfleet/tui'],
  // The loader passes __filename; ES module code here reads import.meta.url.
  // Computed when read (few modules do, and not at start-up), not by every
  // command before it starts (~0.5 ms).
  // build-program.ts takes the version from here rather than package.json.
  define: { 'import.meta.url': '__stackfleetImportMeta.url', __STACKFLEET_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version) },
  banner: { js: 'var __stackfleetImportMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };' },
};
rmSync(outdir, { recursive: true, force: true });
const main = await build({ ...script, entryPoints: { main: join(packageDir, 'dist', 'main.js') } });
const quick = await build({
  ...script,
  entryPoints: { 'quick-main': join(packageDir, 'dist', 'quick-main.js') },
  plugins: [...common.plugins, handlersLeftOut('quick-main')],
});
const list = await build({
  ...script,
  entryPoints: { list: join(packageDir, 'dist', 'main.js') },
  plugins: [...common.plugins, handlersLeftOut('list', ['list.js'])],
});
// The loader the bin requires: CommonJS too, so that no ES module loads before the bundle.
const loader = await build({
  ...common,
  entryPoints: { 'load-cached-bundle': join(packageDir, 'dist', 'compile-cache', 'load-cached-bundle.js') },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
});
// React, ink and ink's ~30 small packages are bundled into the UI's one file
// (issue #17): loaded from node_modules they were ~150 ES and CommonJS modules
// to resolve, read and compile (react-reconciler's CommonJS alone went through
// Node's export scanner), ~0.7 s of CPU and +25 MB of memory each time the
// live view started, against ~0.15 s bundled (docs/benchmarks.md). React's
// production build is chosen here (the CLI always ran it: choose-reporters.ts);
// ink's devtools module, which it imports only with DEV=true and which needs
// react-devtools-core (not a dependency), is left out.
const inkWithoutDevtools = {
  name: 'ink-without-devtools',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (/[\\/]ink[\\/]build[\\/]/.test(args.importer) ? { path: args.path, namespace: 'ink-devtools-left-out' } : undefined));
    plugin.onLoad({ filter: /.*/, namespace: 'ink-devtools-left-out' }, () => ({ contents: 'export {};' }));
  },
};
// ink asks `string-width` (four copies, three versions) for the width of
// every frame's lines and characters; lines with any non-ASCII character (the
// live area's spinner, `·` and progress bar) go through Intl.Segmenter there,
// about a third of a frame. In the UI bundle each of those imports gets a
// front that answers for text made only of one-column characters and asks the
// real one otherwise: the same widths (tui/src/measure-narrow-text.test.ts).
const narrowTextFirst = {
  name: 'narrow-text-first',
  setup(plugin) {
    const measure = join(workspaceDir, 'packages', 'tui', 'dist', 'measure-narrow-text.js');
    plugin.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await plugin.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'narrow-text-first' };
    });
    plugin.onLoad({ filter: /.*/, namespace: 'narrow-text-first' }, (args) => ({
      contents: [
        `import stringWidth from ${JSON.stringify(args.path)};`,
        `import { measureNarrowText } from ${JSON.stringify(measure)};`,
        'export default function narrowTextFirst(text, options) {',
        "  const width = options === undefined && typeof text === 'string' ? measureNarrowText(text) : undefined;",
        '  return width ?? stringWidth(text, options);',
        '}',
      ].join('\n'),
      resolveDir: dirname(args.path),
    }));
  },
};
// ink's output grid tokenizes every line of every frame and joins one cell
// object per column back into a string, diffing the styles of each pair of
// neighbours (three Sets per cell): about half of ink's part of a live-view
// frame. ink's output.js gets fronts for those functions
// (tui/src/ink-output-fronts.ts): the same results, compared with the real
// ones by ink-output-fronts.test.ts.
const inkOutputFronts = {
  name: 'ink-output-fronts',
  setup(plugin) {
    const fronts = join(workspaceDir, 'packages', 'tui', 'dist', 'ink-output-fronts.js');
    plugin.onResolve({ filter: /^@alcalzone\/ansi-tokenize$/ }, async (args) => {
      if (args.pluginData?.real || !/[\\/]ink[\\/]build[\\/]output\.js$/.test(args.importer)) return undefined;
      const real = await plugin.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'ink-output-fronts' };
    });
    plugin.onLoad({ filter: /.*/, namespace: 'ink-output-fronts' }, (args) => ({
      // Only what output.js imports: a name it starts to import fails the build here.
      contents: [
        `import * as real from ${JSON.stringify(args.path)};`,
        `import { buildStyledChars, joinStyledChars, tokenizeNarrowText } from ${JSON.stringify(fronts)};`,
        'export function styledCharsFromTokens(tokens) { return buildStyledChars(tokens, real); }',
        'export function tokenize(text) { return tokenizeNarrowText(text, real); }',
        'export function styledCharsToString(chars) { return joinStyledChars(chars, real); }',
      ].join('\n'),
      resolveDir: dirname(args.path),
    }));
  },
};
// yoga-layout (ink's layout engine) fetches its WebAssembly from a base64
// data: URL whenever a global `fetch` exists. On Node that first use of
// `fetch` loads undici with http, http2, tls and crypto: ~0.1 s of CPU each
// time the live view starts, for bytes already in the file. With `fetch`
// shadowed in that one module, its loader decodes the same bytes itself (its
// own path for runtimes without fetch).
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('typeof fetch')) throw new Error(`${args.path}: yoga-layout no longer looks for fetch as expected; update the bundle script`);
      return { contents: `const fetch = undefined;\n${text}`, loader: 'js' };
    });
  },
};
const ui = await build({
  ...common,
  entryPoints: { tui: join(workspaceDir, 'packages', 'tui', 'dist', 'index.js') },
  format: 'esm',
  external: NATIVE,
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [...common.plugins, inkWithoutDevtools, narrowTextFirst, inkOutputFronts, yogaWithoutFetch],
  // Bundled CommonJS modules call require() for Node built-ins.
  banner: { js: "import { createRequire as __stackfleetCreateRequire } from 'node:module'; const require = __stackfleetCreateRequire(import.meta.url);" },
});

// The loader runs the scripts with vm.Script, where Node 20 refuses `import()`
// without an experimental flag: the calls esbuild kept for external ES modules
// go through a function the loader passes in (__stackfleetImport) instead.
for (const name of ['main.cjs', 'quick-main.cjs', 'list.cjs']) {
  const file = join(outdir, name);
  let text = readFileSync(file, 'utf8');
  for (const [specifier, target] of Object.entries(ESM_IMPORTS)) {
    text = text.replaceAll(`import(${JSON.stringify(specifier)})`, `__stackfleetImport(${JSON.stringify(target)})`);
  }
  const left = /\bimport\((?!\))/.exec(text);
  if (left !== null) throw new Error(`${name}: an import() the loader cannot run: ${text.slice(left.index, left.index + 80)}`);
  writeFileSync(file, escapeNonAscii(text));
}

/**
 * The loader reads an ASCII bundle as latin1, ~30 times faster than decoding
 * UTF-8 (load-cached-bundle.ts). esbuild escapes non-ASCII characters in
 * strings, templates and identifiers, but not in regular expression literals
 * (cel-js: `/(ns|us|µs|ms)/`) or kept comments, the only places left.
 * `\uXXXX` (never `\u{...}`, a repetition without the u flag) is the same
 * character in a regular expression with or without the u flag, and an
 * astral character's two halves escaped one by one are that character again.
 */
function escapeNonAscii(text) {
  return text.replace(/[^\x00-\x7f]/g, (char, offset) => {
    // `\µ` (an identity escape) would become a backslash and `u00b5`.
    if (text[offset - 1] === '\\') throw new Error(`an escaped non-ASCII character the bundle script cannot rewrite: ${text.slice(offset - 40, offset + 40)}`);
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

// The start-up e2e test maps each bundle back to its input modules.
const builds = [main, quick, list, loader, ui];
const meta = { inputs: Object.assign({}, ...builds.map((one) => one.metafile.inputs)), outputs: Object.assign({}, ...builds.map((one) => one.metafile.outputs)) };
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(meta));
