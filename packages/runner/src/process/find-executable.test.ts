import { describe, expect, it } from 'vitest';
import { canExecute } from './find-executable.js';

describe('canExecute', () => {
  it('finds programs the way spawn does', () => {
    expect(canExecute('sh', process.env.PATH, process.cwd())).toBe(true);
    expect(canExecute('/bin/sh', undefined, process.cwd())).toBe(true);
    expect(canExecute('sh', undefined, process.cwd())).toBe(true); // no PATH: execvp's default
    expect(canExecute('no-such-program-xyz', process.env.PATH, process.cwd())).toBe(false);
    expect(canExecute('./missing.sh', process.env.PATH, process.cwd())).toBe(false);
  });
});
