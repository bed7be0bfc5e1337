import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canExecute, isSystemShellInPath } from './find-executable.js';

describe('canExecute', () => {
  it('finds programs the way spawn does', () => {
    expect(canExecute('sh', process.env.PATH, process.cwd())).toBe(true);
    expect(canExecute('/bin/sh', undefined, process.cwd())).toBe(true);
    expect(canExecute('sh', undefined, process.cwd())).toBe(true); // no PATH: execvp's default
    expect(canExecute('no-such-program-xyz', process.env.PATH, process.cwd())).toBe(false);
    expect(canExecute('./missing.sh', process.env.PATH, process.cwd())).toBe(false);
  });
});

describe('isSystemShellInPath', () => {
  it('is true only when `sh` in PATH is the file /bin/sh is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sh-path-'));
    try {
      expect(isSystemShellInPath('/bin', process.cwd())).toBe(true);
      // Another `sh` first in PATH: a `sh -c` command must run in that one.
      writeFileSync(join(dir, 'sh'), '#!/bin/sh\nexec /bin/sh "$@"\n');
      chmodSync(join(dir, 'sh'), 0o755);
      expect(isSystemShellInPath(`${dir}:/bin`, process.cwd())).toBe(false);
      expect(isSystemShellInPath('.:/bin', process.cwd())).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
