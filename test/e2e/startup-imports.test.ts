import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBin, makeTempDir, repoRoot, testEnv } from '../support/cli.js';

/**
 * Handlers are loaded lazily from the command table: help, the version and
 * completion must not pay for the UI, the runner, the store or git. Each run
 * below lists the modules the CLI loaded and the test matches them against
 * what that command must not load. Two builds can run (bin/stackfleet.js):
 *
 * - tsc's modules (dist/): a module hook records every module resolved;
 * - the bundle (dist/bundle, built by `npm run build`): ES modules loaded
 *   beside it (the UI's tui.js) are recorded by the same hook and stand for
 *   the modules esbuild put in them (its metafile, meta.json). In the
 *   CommonJS bundles everything is one file, so V8's coverage tells what ran:
 *   the modules an entry imports statically run at its start, and a module
 *   imported on demand runs when esbuild's wrapper function, named after the
 *   module's path, is called.
 */
const { dir, cleanup } = makeTempDir();
afterAll(() => cleanup());
// Workspace packages resolve to their real path (packages/<name>/dist), not through node_modules.
const FORBIDDEN = /\/node_modules\/(ink|react)\/|\/packages\/(runner|state|tui|vcs)\/dist\//;
// What a shell runs on every Tab skips commander and the validating manifest parser too.
const FORBIDDEN_IN_COMPLETION = /\/node_modules\/(ink|react|commander|zod|yaml)\/|\/packages\/(runner|state|tui|vcs)\/dist\//;
const BUNDLE_DIR = join(repoRoot, 'packages/cli/dist/bundle');
const BUNDLE = pathToFileURL(`${BUNDLE_DIR}/`).href;
writeFileSync(
  join(dir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.LOADED_MODULES_FILE, result.url + '\\n');
  return result;
}
`,
);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
writeFileSync(join(dir, 'stacks.yaml'), 'version: 1\nstacks:\n  app: { runner: command, path: ., commands: { apply: "true" } }\n');

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
  outputs: Record<string, { inputs: Record<string, unknown>; entryPoint?: string }>;
}
let meta: Metafile | undefined;
function readMeta(): Metafile {
  meta ??= JSON.parse(readFileSync(join(BUNDLE_DIR, 'meta.json'), 'utf8')) as Metafile;
  return meta;
}

/** The input modules of an ES module bundle file, or the file itself. */
function modulesIn(url: string): string[] {
  if (!url.startsWith(BUNDLE)) return [url];
  const output = readMeta().outputs[`packages/cli/dist/bundle/${url.slice(BUNDLE.length)}`];
  if (output === undefined) throw new Error(`a bundle file missing from meta.json: ${url}`);
  return Object.keys(output.inputs).map((input) => `/${input}`);
}

/** What an entry of a CommonJS bundle runs at its start: its static imports, transitively. */
function staticallyImported(output: string): string[] {
  const entry = readMeta().outputs[output]?.entryPoint;
  if (entry === undefined) throw new Error(`a bundle file missing from meta.json: ${output}`);
  const seen = new Set([entry]);
  for (const path of seen) {
    for (const edge of readMeta().inputs[path]?.imports ?? []) {
      if (!edge.external && (edge.kind === 'import-statement' || edge.kind === 'require-call')) seen.add(edge.path);
    }
  }
  return [...seen].map((input) => `/${input}`);
}

/** Modules of the CommonJS bundles that ran, from V8's coverage. */
function modulesRunInScripts(coverageDir: string): string[] {
  const modules: string[] = [];
  for (const file of existsSync(coverageDir) ? readdirSync(coverageDir) : []) {
    const { result } = JSON.parse(readFileSync(join(coverageDir, file), 'utf8')) as {
      result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
    };
    for (const script of result) {
      const path = script.url.startsWith('file:') ? fileURLToPath(script.url) : script.url;
      if (!path.startsWith(BUNDLE_DIR) || !path.endsWith('.cjs')) continue;
      modules.push(...staticallyImported(`packages/cli/dist/bundle/${path.slice(BUNDLE_DIR.length + 1)}`));
      // esbuild's lazy wrappers are named after the module they hold.
      for (const fn of script.functions) if (fn.ranges[0]!.count > 0 && /\.(c|m)?js(on)?$/.test(fn.functionName)) modules.push(`/${fn.functionName}`);
    }
  }
  return modules;
}

let runs = 0;
function runListed(args: string[], forbidden = FORBIDDEN) {
  runs += 1;
  const loadedFile = join(dir, `loaded-${runs}.txt`);
  const coverageDir = join(dir, `coverage-${runs}`);
  mkdirSync(coverageDir);
  writeFileSync(loadedFile, '');
  const env = testEnv({ LOADED_MODULES_FILE: loadedFile, NODE_V8_COVERAGE: coverageDir });
  const result = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), cliBin, ...args], { cwd: dir, env, encoding: 'utf8' });
  const loaded = [
    ...readFileSync(loadedFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .flatMap(modulesIn),
    ...modulesRunInScripts(coverageDir),
  ];
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, forbidden: [...new Set(loaded.filter((module) => forbidden.test(module)))] };
}

describe('start-up imports', () => {
  it('--help, --version and completion load no handler dependencies', () => {
    for (const args of [['--help'], ['plan', '--help'], ['ui', '--help'], ['--version'], ['completion', 'bash'], ['__complete', 'outputs', '']]) {
      const result = runListed(args);
      expect({ args, code: result.code, stderr: result.stderr, forbidden: result.forbidden }).toEqual({ args, code: 0, stderr: '', forbidden: [] });
    }
    expect(runListed(['__complete', 'outputs', '']).stdout).toBe('app\n');
  });

  it('completion loads neither commander nor the validating manifest parser', () => {
    for (const args of [['completion', 'bash'], ['__complete', 'pl'], ['__complete', 'outputs', ''], ['__complete', 'plan', '--label', '']]) {
      const result = runListed(args, FORBIDDEN_IN_COMPLETION);
      expect({ args, code: result.code, stderr: result.stderr, forbidden: result.forbidden }).toEqual({ args, code: 0, stderr: '', forbidden: [] });
    }
    expect(runListed(['__complete', 'outputs', ''], FORBIDDEN_IN_COMPLETION).stdout).toBe('app\n');
    // The listing sees them where they are loaded: a full command.
    expect(runListed(['list'], FORBIDDEN_IN_COMPLETION).forbidden.join('\n')).toMatch(/\/node_modules\/(commander|zod|yaml)\//);
  });

  it('the CommonJS bundles are ASCII, which the loader reads as latin1 (decoding UTF-8 cost up to ~15 ms)', () => {
    for (const name of ['main.cjs', 'quick-main.cjs', 'list.cjs']) expect({ name, ascii: isAscii(readFileSync(join(BUNDLE_DIR, name))) }).toEqual({ name, ascii: true });
  });

  it('the listing itself sees a handler dependency', () => {
    expect(runListed(['locks']).forbidden.join('\n')).toMatch(/\/packages\/state\/dist\//);
  });
});
