import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { leaseWorkingDir } from './lease-working-dir.js';

let temp: TempDir | undefined;
afterEach(async () => { await temp?.cleanup(); temp = undefined; });

describe('leaseWorkingDir', () => {
  it('shares one sha within a process, makes another sha wait for the last release, and ignores dead holders', async () => {
    temp = await createTempDir();
    const dir = join(temp.path, 'services');
    const moves: string[] = [];
    // A holder on this host whose process is gone holds nothing.
    await mkdir(`${dir}.users`, { recursive: true });
    await writeFile(join(`${dir}.users`, 'dead'), `${hostname()} 2147483646 ${'b'.repeat(40)}\n`);
    const first = await leaseWorkingDir(dir, 'a'.repeat(40), async () => { moves.push('a'); }, { pollMs: 10 });
    const second = await leaseWorkingDir(dir, 'a'.repeat(40), async () => { moves.push('a again'); }, { pollMs: 10 });
    expect(moves).toEqual(['a']);
    expect(await readdir(`${dir}.users`)).toEqual([`${hostname()}-${process.pid}`]);
    const waits: string[] = [];
    let moved = false;
    const other = leaseWorkingDir(dir, 'c'.repeat(40), async () => { moved = true; }, { pollMs: 10, onWait: (message) => waits.push(message) });
    await first.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(moved).toBe(false);
    expect(waits).toEqual([expect.stringMatching(/is at aaaaaaa for another run .*waiting for it to finish before moving it to ccccccc$/)]);
    await second.release();
    const third = await other;
    expect(moved).toBe(true);
    await third.release();
    expect(await readdir(`${dir}.users`)).toEqual([]);
  });
});
