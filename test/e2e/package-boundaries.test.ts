import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

/** The package arrows of STYLE.md are enforced by lint: a wrong import fails `npm run lint`. */
describe('package boundaries', () => {
  // The probes are virtual files, outside any tsconfig: they are linted without type information (the arrows need none).
  const eslint = new ESLint({ cwd: repoRoot, overrideConfig: { ...tseslint.configs.disableTypeChecked, files: ['**/probe.ts'] } });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
    return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
  };

  it('rejects runner importing state, core importing anything of ours, and fs in core', async () => {
    expect(await lint('packages/runner/src/probe.ts', "import { openSqliteStore } from '@stackfleet/state';\nexport const x = openSqliteStore;\n")).toEqual([
      expect.stringContaining('@nx/enforce-module-boundaries'),
    ]);
    expect(await lint('packages/core/src/probe.ts', "import { runStacks } from '@stackfleet/runner';\nexport const x = runStacks;\n")).toEqual([
      expect.stringContaining('@nx/enforce-module-boundaries'),
    ]);
    expect(await lint('packages/core/src/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([
      expect.stringContaining('no-restricted-imports'),
    ]);
    expect(await lint('packages/core/src/probe.ts', 'export const now = Date.now();\n')).toEqual([expect.stringContaining('no-restricted-properties')]);
  }, 60_000);

  it('rejects default exports and types imported as values', async () => {
    expect(await lint('packages/runner/src/probe.ts', 'const x = 1;\nexport default x;\n')).toEqual([expect.stringContaining('no-restricted-syntax')]);
    expect(await lint('packages/runner/src/probe.ts', "import { RunPlan } from '@stackfleet/core';\nexport const x = (plan: RunPlan) => plan;\n")).toEqual([
      expect.stringContaining('@typescript-eslint/consistent-type-imports'),
    ]);
  }, 60_000);

  it('accepts the allowed arrows', async () => {
    expect(await lint('packages/runner/src/probe.ts', "import { StackfleetError } from '@stackfleet/core';\nexport const x = StackfleetError;\n")).toEqual([]);
    expect(await lint('packages/cli/src/probe.ts', "import { openSqliteStore } from '@stackfleet/state';\nexport const x = openSqliteStore;\n")).toEqual([]);
  }, 60_000);
});
