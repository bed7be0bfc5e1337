import { isAscii } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { hashPath, locateCacheDir, writeCacheFile } from './cache-dir.js';
import { COMPILED_PARTS } from './note-compiled-part.js';

/**
 * Runs a CommonJS bundle (dist/bundle/*.cjs) through V8's code cache and
 * returns its exports.
 *
 * Why: most of a short command's time was V8 compiling the bundle's ~1 MB of
 * source (docs/benchmarks.md). Node 22 caches compiled ESM by itself
 * (`module.enableCompileCache`); Node 20, which this project supports, offers
 * a code cache only for scripts (`vm.Script` `cachedData`), hence a CommonJS
 * bundle run here instead of ES module chunks.
 *
 * The cache lives in the user's cache directory, one file per bundle, and is
 * rewritten after a run that compiled code the cache did not have: when it was
 * missing or rejected (another Node, other V8 flags, a rebuilt bundle), or the
 * first time a command (the first argument) runs, so each command's own code
 * ends up in it, and the first time it runs with an optional part
 * (`noteCompiledPart`: `apply+policies`), so that part's code does too. V8 checks the version, flags and source length itself and
 * rejects a cache that does not match; the bundle's size and mtime in the key
 * also catch a rebuild of equal length. `NODE_DISABLE_COMPILE_CACHE` (Node's
 * own switch) turns it off. Every cache error is ignored: the cache only ever
 * saves time.
 *
 * `v8Flags` are the V8 flags the caller set (`v8.setFlagsFromString`) before
 * this call: V8 rejects a cache made under other flags, so runs with and
 * without them each keep a cache file of their own instead of overwriting
 * each other's. (The caller sets them: loading `node:v8` here would cost
 * every command, completion included, ~3 ms.)
 */
export function loadCachedBundle(file: string, options: { label: string; env: NodeJS.ProcessEnv; v8Flags?: string }): Record<string, unknown> {
  const source = readSource(file);
  const cacheFile = options.env.NODE_DISABLE_COMPILE_CACHE ? undefined : locateCacheFile(file, options.env, options.v8Flags);
  const key = cacheFile === undefined ? '' : `${describeBuild(file)}|${options.v8Flags ?? ''}`;
  const cached = cacheFile === undefined ? undefined : readCache(cacheFile, key);
  // The same parameters Node's CommonJS wrapper passes, plus the one way the
  // bundle can reach ES modules (the UI, hcl2json): a script compiled here
  // cannot run `import()` itself on Node 20 without an experimental flag, so
  // the bundle script rewrote those calls to this function.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __stackfleetImport) {${source}\n})`, {
    filename: file,
    cachedData: cached?.data,
  });
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const parts = new Set<string>();
  (globalThis as { [COMPILED_PARTS]?: Set<string> })[COMPILED_PARTS] = parts;
  run(module.exports, createRequire(file), module, file, dirname(file), (specifier: string) => importFrom(file, specifier));
  if (cacheFile !== undefined) {
    const labels = cached === undefined || script.cachedDataRejected ? [] : cached.labels;
    // The command, and each optional part it used (`noteCompiledPart`), known only once the run is over.
    const missing = () => [options.label, ...[...parts].sort().map((part) => `${options.label}+${part}`)].filter((label) => !labels.includes(label));
    if (labels.length < MAX_LABELS) {
      process.once('exit', () => {
        const added = missing();
        if (added.length > 0) writeCache(cacheFile, key, [...labels, ...added], script);
      });
    }
  }
  return module.exports;
}

/**
 * The bundle's text. `readFileSync(file, 'utf8')` took 3-5 ms for the 1 MB
 * quick entry and 13-30 ms for the 2 MB main bundle (one µ in it made that
 * a two-byte string): Node 20 decodes UTF-8 without a fast path for ASCII.
 * The bundle script escapes every non-ASCII character, and ASCII read as
 * latin1 is the same text, copied rather than decoded (~0.5 ms).
 */
function readSource(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

// After this many commands the cache holds the code of all the common ones;
// an unbounded list would rewrite it for every new first argument (a path...).
const MAX_LABELS = 40;

function importFrom(file: string, specifier: string): Promise<unknown> {
  // Relative specifiers name files beside the bundle (its ESM part); bare ones
  // resolve from the bundle's package like any import.
  const url = specifier.startsWith('.') ? new URL(specifier, pathToFileURL(file)).href : specifier;
  return import(url);
}

function locateCacheFile(file: string, env: NodeJS.ProcessEnv, v8Flags: string | undefined): string {
  // One file per installed bundle (and set of flags): a rebuild overwrites it instead of adding one.
  const id = hashPath(file) + (v8Flags ? `-${hashPath(v8Flags).slice(0, 8)}` : '');
  return join(locateCacheDir(env), 'compile-cache', `${basename(file, '.cjs')}-${id}.bin`);
}

function describeBuild(file: string): string {
  const { size, mtimeMs } = statSync(file);
  return [process.version, process.arch, size, mtimeMs, process.execArgv.join(' ')].join('|');
}

/** Cache file: a 4-byte header length, a JSON header ({ key, labels }), then V8's data. */
function readCache(cacheFile: string, key: string): { data: Buffer; labels: string[] } | undefined {
  try {
    const bytes = readFileSync(cacheFile);
    const length = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as { key?: unknown; labels?: unknown };
    if (header.key !== key || !Array.isArray(header.labels)) return undefined;
    return { data: bytes.subarray(4 + length), labels: header.labels.filter((label): label is string => typeof label === 'string') };
  } catch {
    return undefined;
  }
}

function writeCache(cacheFile: string, key: string, labels: string[], script: Script): void {
  try {
    const header = Buffer.from(JSON.stringify({ key, labels }), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    writeCacheFile(cacheFile, Buffer.concat([length, header, script.createCachedData()]));
  } catch {
    // A read-only or full disk: the next run compiles the bundle again, nothing worse.
  }
}
