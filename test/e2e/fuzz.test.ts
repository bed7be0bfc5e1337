import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

describe('npm run fuzz (short run)', () => {
  it('parses 200 seeded hostile manifests with no internal error, hang or out-of-memory, in under 300 MB', () => {
    // Scaled down so it stays quick; `npm run fuzz` runs the full-size cases.
    // The per-case limit is roomier than the 5 s of the full run: CI machines are shared.
    const result = spawnSync(
      process.execPath,
      [join(repoRoot, 'scripts/fuzz.mjs'), '--cases', '200', '--cli', '5', '--scale', '0.05', '--timeout', '15000', '--seed', '7', '--json'],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Record<string, unknown> & { cli: Record<string, number>; failures: unknown[]; peakRssMb: number };
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ cases: 200, internal: 0, hang: 0, oom: 0, unlocated: 0, rawNewline: 0, hugeMessage: 0 });
    expect(report.cli).toMatchObject({ cases: 5, internal: 0, hang: 0, oom: 0 });
    // The processes that ran stackfleet on a case (256 MB heap each), not the fuzzer's own.
    expect(report.peakRssMb).toBeGreaterThan(0);
    expect(report.peakRssMb).toBeLessThan(300);
    expect(result.status).toBe(0);
  });
});
