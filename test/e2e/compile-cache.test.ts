import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, repoRoot, testEnv } from '../support/cli.js';

/**
 * The bin runs the CommonJS bundles through V8's code cache
 * (packages/cli/src/compile-cache/load-cached-bundle.ts). A small bundle of
 * our own goes through the same loader here, in fresh processes, since the
 * cache is written as a process exits.
 */
const { dir, cleanup } = makeTempDir();
afterAll(() => cleanup());
const LOADER = pathToFileURL(join(repoRoot, 'packages/cli/dist/compile-cache/load-cached-bundle.js')).href;
const NOTE_PART = pathToFileURL(join(repoRoot, 'packages/cli/dist/compile-cache/note-compiled-part.js')).href;
const bundle = join(dir, 'app.cjs');
writeFileSync(
  bundle,
  `exports.run = async (word) => {
  const { greet } = await __stackfleetImport('./greet.mjs');
  return greet(word) + ' from ' + require('node:path').basename(__filename);
};\n`,
);
writeFileSync(join(dir, 'greet.mjs'), 'export const greet = (word) => `hello ${word}`;\n');
const cacheHome = join(dir, 'cache');
const cacheDir = join(cacheHome, 'stackfleet', 'compile-cache');

// The command's label is an argument: V8 flags and node's own arguments are part of the cache's key.
writeFileSync(
  join(dir, 'run.mjs'),
  `import { setFlagsFromString } from 'node:v8';
import { loadCachedBundle } from ${JSON.stringify(LOADER)};
import { noteCompiledPart } from ${JSON.stringify(NOTE_PART)};
if (process.env.TEST_V8_FLAGS) setFlagsFromString(process.env.TEST_V8_FLAGS);
const { run } = loadCachedBundle(${JSON.stringify(bundle)}, { label: process.argv[2], env: process.env, v8Flags: process.env.TEST_V8_FLAGS });
if (process.argv[3]) noteCompiledPart(process.argv[3]);
console.log(await run(process.argv[2]));\n`,
);

function runBundle(label: string, env: Record<string, string> = {}, part?: string) {
  const result = spawnSync(process.execPath, [join(dir, 'run.mjs'), label, ...(part ? [part] : [])], { env: testEnv({ XDG_CACHE_HOME: cacheHome, ...env }), encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function cacheFiles(): string[] {
  return existsSync(cacheDir) ? readdirSync(cacheDir) : [];
}

/** The labels a cache file's header records (the commands whose code it holds). */
function readLabels(file: string): string[] {
  const bytes = readFileSync(join(cacheDir, file));
  return (JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32LE(0)).toString('utf8')) as { labels: string[] }).labels;
}

describe('the bundle loader', () => {
  it('reads a bundle that is not ASCII as UTF-8 (ASCII is read as latin1, the fast way)', () => {
    const other = join(dir, 'text.cjs');
    writeFileSync(other, "exports.text = 'µs ✓ ' + 'plain';\n");
    const script = `import { loadCachedBundle } from ${JSON.stringify(LOADER)};
process.stdout.write(loadCachedBundle(${JSON.stringify(other)}, { label: 'text', env: process.env }).text);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: testEnv({ XDG_CACHE_HOME: join(dir, 'text-cache') }), encoding: 'utf8' });
    expect({ code: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: 'µs ✓ plain', stderr: '' });
  });
});

describe('the compile cache', () => {
  it('writes nothing when NODE_DISABLE_COMPILE_CACHE is set', () => {
    expect(runBundle('list', { NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual({ code: 0, stdout: 'hello list from app.cjs\n', stderr: '' });
    expect(cacheFiles()).toEqual([]);
  });

  it('is written by the first run, kept for the same command, extended for a new one', () => {
    expect(runBundle('list')).toEqual({ code: 0, stdout: 'hello list from app.cjs\n', stderr: '' });
    const [file] = cacheFiles();
    expect(cacheFiles()).toEqual([expect.stringMatching(/^app-[0-9a-f]{16}\.bin$/)]);
    expect(readLabels(file!)).toEqual(['list']);
    const written = statSync(join(cacheDir, file!)).mtimeMs;

    expect(runBundle('list').stdout).toBe('hello list from app.cjs\n');
    expect(statSync(join(cacheDir, file!)).mtimeMs).toBe(written);

    expect(runBundle('plan').stdout).toBe('hello plan from app.cjs\n');
    expect(readLabels(file!)).toEqual(['list', 'plan']);
  });

  it('keeps an optional part a command used (policies) as a label of its own, so its code is cached too', () => {
    const [file] = cacheFiles();
    expect(readLabels(file!)).toEqual(['list', 'plan']);
    expect(runBundle('plan', {}, 'policies').stdout).toBe('hello plan from app.cjs\n');
    expect(readLabels(file!)).toEqual(['list', 'plan', 'plan+policies']);
    const written = statSync(join(cacheDir, file!)).mtimeMs;
    // Known now, with or without the part: not written again.
    expect(runBundle('plan', {}, 'policies').stdout).toBe('hello plan from app.cjs\n');
    expect(runBundle('plan').stdout).toBe('hello plan from app.cjs\n');
    expect(statSync(join(cacheDir, file!)).mtimeMs).toBe(written);
  });

  it('ignores a damaged cache and replaces it', () => {
    const [file] = cacheFiles();
    writeFileSync(join(cacheDir, file!), 'not a cache');
    expect(runBundle('list')).toEqual({ code: 0, stdout: 'hello list from app.cjs\n', stderr: '' });
    expect(readLabels(file!)).toEqual(['list']);
  });

  it('starts over when the bundle changes', () => {
    const [file] = cacheFiles();
    writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}exports.extra = 1;\n`);
    expect(runBundle('plan').stdout).toBe('hello plan from app.cjs\n');
    expect(readLabels(file!)).toEqual(['plan']);
  });

  it('keeps a cache of its own for runs under other V8 flags: neither rejects nor overwrites the other', () => {
    const [plain] = cacheFiles();
    const flags = { TEST_V8_FLAGS: '--interrupt-budget=600000' };
    expect(runBundle('plan', flags)).toEqual({ code: 0, stdout: 'hello plan from app.cjs\n', stderr: '' });
    const flagged = cacheFiles().find((file) => file !== plain);
    expect(flagged).toMatch(/^app-[0-9a-f]{16}-[0-9a-f]{8}\.bin$/);
    expect(readLabels(flagged!)).toEqual(['plan']);
    const written = [statSync(join(cacheDir, plain!)).mtimeMs, statSync(join(cacheDir, flagged!)).mtimeMs];
    // A cache V8 rejected would be written again (its labels start over): each one is taken as it is.
    expect(runBundle('plan').stdout).toBe('hello plan from app.cjs\n');
    expect(runBundle('plan', flags).stdout).toBe('hello plan from app.cjs\n');
    expect([statSync(join(cacheDir, plain!)).mtimeMs, statSync(join(cacheDir, flagged!)).mtimeMs]).toEqual(written);
  });
});
