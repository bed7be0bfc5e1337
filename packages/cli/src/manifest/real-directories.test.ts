import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRealDirectoryResolver, joinUnderRoot } from './real-directories.js';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sf-real-dirs-')));
  dirs.push(dir);
  return dir;
}

describe('createRealDirectoryResolver', () => {
  it('resolves plain directories, follows symlinks and refuses files and missing paths', () => {
    const root = tempDir();
    const outside = tempDir();
    mkdirSync(join(root, 'stacks/a'), { recursive: true });
    mkdirSync(join(root, 'stacks/b'));
    writeFileSync(join(root, 'stacks/file'), '');
    symlinkSync(outside, join(root, 'stacks/link'));
    symlinkSync(join(root, 'stacks/a'), join(root, 'alias'));
    const resolveReal = createRealDirectoryResolver();
    expect(resolveReal(root)).toBe(root);
    expect(resolveReal(join(root, 'stacks/a'))).toBe(join(root, 'stacks/a'));
    expect(resolveReal(join(root, 'stacks/b/'))).toBe(join(root, 'stacks/b'));
    expect(resolveReal(join(root, 'stacks/link'))).toBe(outside);
    expect(resolveReal(join(root, 'alias/../stacks/b'))).toBe(join(root, 'stacks/b'));
    expect(resolveReal(join(root, 'stacks/file'))).toBeUndefined();
    expect(resolveReal(join(root, 'stacks/missing'))).toBeUndefined();
  });

  it('resolves a plain directory under a symlinked parent to the real parent', () => {
    const real = tempDir();
    const links = tempDir();
    mkdirSync(join(real, 'app'));
    symlinkSync(real, join(links, 'fleet'));
    expect(createRealDirectoryResolver()(join(links, 'fleet/app'))).toBe(join(real, 'app'));
  });
});

describe('joinUnderRoot', () => {
  it.each(['stacks/app', 'app', '.hidden/x', 'a..b/c.', 'stacks/app/', './app', 'a/./b', 'a/../b', '../out', 'a//b', '.', '..', '', '/abs', 'a\\b'])(
    'joins %j exactly as path.join does',
    (path) => {
      for (const root of ['/', '/work/fleet']) expect(joinUnderRoot(root, path)).toBe(join(root, path));
    },
  );
});
