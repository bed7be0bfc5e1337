import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedStack } from '@stackfleet/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { writeStackFiles } from './write-stack-files.js';

let root: string;
let stack: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sf-files-'));
  stack = join(root, 'stack');
  await mkdir(stack);
  await writeFile(join(stack, 'main.tf'), 'user file\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeStackFiles', () => {
  it('writes the files (creating directories) and the cleanup removes exactly those', async () => {
    await mkdir(join(stack, 'existing'));
    const cleanup = await writeStackFiles(stack, {
      'backend.auto.tfvars': 'bucket = "acme"\n',
      'config/nested/app.json': '{}',
      'existing/extra.txt': 'x',
    });
    expect(await readFile(join(stack, 'backend.auto.tfvars'), 'utf8')).toBe('bucket = "acme"\n');
    expect(await readFile(join(stack, 'config/nested/app.json'), 'utf8')).toBe('{}');
    await cleanup();
    expect((await readdir(stack)).sort()).toEqual(['existing', 'main.tf']);
    expect(await readdir(join(stack, 'existing'))).toEqual([]);
  });

  it('removes the files after a failing phase when cleanup runs in finally', async () => {
    const adapter = createCommandAdapter();
    const resolved = { name: 'app', dir: stack, hooks: {}, commands: { apply: 'cat secret.env; exit 1' } } as unknown as ResolvedStack;
    const lines: string[] = [];
    const cleanup = await writeStackFiles(stack, { 'secret.env': 'TOKEN=abc\n' });
    try {
      await adapter.apply({
        runId: 'r',
        stack: resolved,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        workDir: root,
        signal: new AbortController().signal,
        onLine: (_stream, line) => lines.push(line),
        onStep: () => undefined,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ message: 'apply exited with code 1' });
    } finally {
      await cleanup();
    }
    expect(lines).toEqual(['TOKEN=abc']);
    expect(await readdir(stack)).toEqual(['main.tf']);
  });

  it('refuses to overwrite a different existing file and leaves an identical one alone', async () => {
    const error = await writeStackFiles(stack, { 'a.txt': 'a', 'main.tf': 'ours' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_FILE_EXISTS', message: expect.stringContaining('"main.tf" already exists') });
    expect((await readdir(stack)).sort()).toEqual(['main.tf']);
    expect(await readFile(join(stack, 'main.tf'), 'utf8')).toBe('user file\n');
    const cleanup = await writeStackFiles(stack, { 'main.tf': 'user file\n' });
    await cleanup();
    expect(await readFile(join(stack, 'main.tf'), 'utf8')).toBe('user file\n');
  });

  it('refuses paths escaping the directory, also through a symlink', async () => {
    for (const name of ['../evil.txt', '/tmp/evil.txt', 'sub/../../evil.txt']) {
      await expect(writeStackFiles(stack, { [name]: 'x' })).rejects.toMatchObject({ code: 'E_FILE_OUTSIDE_STACK' });
    }
    await mkdir(join(root, 'outside'));
    await symlink(join(root, 'outside'), join(stack, 'link'));
    await expect(writeStackFiles(stack, { 'link/new/evil.txt': 'x' })).rejects.toMatchObject({ code: 'E_FILE_OUTSIDE_STACK' });
    expect(await readdir(join(root, 'outside'))).toEqual([]);
    expect((await readdir(root)).sort()).toEqual(['outside', 'stack']);
  });
});

describe('writeStackFiles with a ledger', () => {
  it('removes files a killed run left (still as written), then writes; a user-edited leftover still conflicts', async () => {
    const ledgerPath = join(root, 'state/files/app.json');
    // A run writes and is "killed": its cleanup never runs.
    await writeStackFiles(stack, { 'gen.auto.tfvars': 'a = 1\n', 'sub/x.txt': 'x' }, { ledgerPath });
    const ledger = JSON.parse(await readFile(ledgerPath, 'utf8')) as { pid: number };
    await writeFile(ledgerPath, JSON.stringify({ ...ledger, pid: 2 ** 22 + 7 }));
    const cleanup = await writeStackFiles(stack, { 'gen.auto.tfvars': 'a = 2\n' }, { ledgerPath });
    expect(await readFile(join(stack, 'gen.auto.tfvars'), 'utf8')).toBe('a = 2\n');
    expect((await readdir(stack)).sort()).toEqual(['gen.auto.tfvars', 'main.tf']);
    await cleanup();
    expect(await readdir(stack)).toEqual(['main.tf']);
    expect(await readdir(join(root, 'state/files'))).toEqual([]);

    await writeStackFiles(stack, { 'gen.auto.tfvars': 'a = 1\n' }, { ledgerPath });
    await writeFile(ledgerPath, JSON.stringify({ ...(JSON.parse(await readFile(ledgerPath, 'utf8')) as object), pid: 2 ** 22 + 7 }));
    await writeFile(join(stack, 'gen.auto.tfvars'), 'edited by the user\n');
    await expect(writeStackFiles(stack, { 'gen.auto.tfvars': 'a = 2\n' }, { ledgerPath })).rejects.toMatchObject({ code: 'E_FILE_EXISTS' });
    expect(await readFile(join(stack, 'gen.auto.tfvars'), 'utf8')).toBe('edited by the user\n');
  });
});
