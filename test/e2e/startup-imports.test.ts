import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBin, makeTempDir, repoRoot, testEnv } from '../support/cli.js';

/**
 * Handlers are loaded lazily from the command table: help, the version and
 * completion must not pay for the UI, the runner, the store or git. A module
 * hook makes loading any of them fail the process. When the bin runs the
 * bundle (dist/bundle, built by `npm run build`), each chunk it loads stands
 * for the modules esbuild put in it (its metafile, meta.json), so the same
 * rule holds for both builds.
 */
const { dir, cleanup } = makeTempDir();
afterAll(() => cleanup());
// Workspace packages resolve to their real path (packages/<name>/dist), not through node_modules.
const FORBIDDEN = /\/node_modules\/(ink|react)\/|\/packages\/(runner|state|tui|vcs)\/dist\//;
// What a shell runs on every Tab skips commander and the validating manifest parser too.
const FORBIDDEN_IN_COMPLETION = /\/node_modules\/(ink|react|commander|zod|yaml)\/|\/packages\/(runner|state|tui|vcs)\/dist\//;
const BUNDLE = pathToFileURL(join(repoRoot, 'packages/cli/dist/bundle/')).href;
writeFileSync(
  join(dir, 'hooks.mjs'),
  `import { readFileSync } from 'node:fs';
const BUNDLE = ${JSON.stringify(BUNDLE)};
let meta;
function modulesIn(url) {
  if (!url.startsWith(BUNDLE)) return [url];
  meta ??= JSON.parse(readFileSync(new URL('meta.json', BUNDLE), 'utf8'));
  const output = meta.outputs['packages/cli/dist/bundle/' + url.slice(BUNDLE.length)];
  if (output === undefined) throw new Error('a bundle chunk missing from meta.json: ' + url);
  return Object.keys(output.inputs).map((input) => '/' + input);
}
const FORBIDDEN = new RegExp(process.env.FORBIDDEN_MODULES);
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  for (const loaded of modulesIn(result.url)) if (FORBIDDEN.test(loaded)) throw new Error('loaded at start-up: ' + loaded);
  return result;
}
`,
);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
writeFileSync(join(dir, 'stacks.yaml'), 'version: 1\nstacks:\n  app: { runner: command, path: ., commands: { apply: "true" } }\n');

function runGuarded(args: string[], forbidden = FORBIDDEN) {
  const env = testEnv({ FORBIDDEN_MODULES: forbidden.source });
  const result = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), ...args], { cwd: dir, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('start-up imports', () => {
  it('--help, --version and completion load no handler dependencies', () => {
    for (const args of [['--help'], ['plan', '--help'], ['ui', '--help'], ['--version'], ['completion', 'bash'], ['__complete', 'outputs', '']]) {
      const result = runGuarded([cliBin, ...args]);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
    expect(runGuarded([cliBin, '__complete', 'outputs', '']).stdout).toBe('app\n');
  });

  it('completion loads neither commander nor the validating manifest parser', () => {
    for (const args of [['completion', 'bash'], ['__complete', 'pl'], ['__complete', 'outputs', ''], ['__complete', 'plan', '--label', '']]) {
      const result = runGuarded([cliBin, ...args], FORBIDDEN_IN_COMPLETION);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
    expect(runGuarded([cliBin, '__complete', 'outputs', ''], FORBIDDEN_IN_COMPLETION).stdout).toBe('app\n');
    // The guard sees them where they are loaded: a full command.
    expect(runGuarded([cliBin, 'list'], FORBIDDEN_IN_COMPLETION).stderr).toMatch(/loaded at start-up: .*\/node_modules\/(commander|zod|yaml)\//);
  });

  it('the guard itself catches a handler dependency', () => {
    const result = runGuarded([cliBin, 'locks']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/loaded at start-up: .*\/packages\/state\/dist\//);
  });
});
