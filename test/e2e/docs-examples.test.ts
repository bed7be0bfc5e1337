import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyExampleFleet, gitInit, makeTempDir, parseJsonLines, repoRoot, runStackfleet } from '../support/cli.js';

/**
 * The output examples in docs/cli.md are real output (issue #12 item 9), like
 * the README tour's comments (safe-runs.test.ts): a `$ stackfleet …`
 * transcript, the headless run excerpt and the NDJSON lines are each compared
 * with what the CLI prints on a fresh copy of the example fleet.
 */
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function exampleFleet(): string {
  const { dir, cleanup } = makeTempDir('stackfleet-docs-e2e-');
  cleanups.push(cleanup);
  copyExampleFleet(dir);
  gitInit(dir);
  return dir;
}

const doc = readFileSync(join(repoRoot, 'docs/cli.md'), 'utf8');
const blocks = [...doc.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');

/** Run ids and durations differ from run to run, and column widths with them. */
function normalize(line: string): string {
  return line
    .replace(/\b\d{8}-\d{6}-[0-9a-f]{6}\b/g, 'RUN')
    .replace(/\b\d+(?:\.\d+)?(?:ms|s|m(?:\d\ds)?|h(?:\d\dm)?)\b/g, 'DURATION')
    .replace(/\s+/g, ' ')
    .trimEnd();
}

/**
 * Each run of lines between `...` lines appears in `actual`, in order, as
 * consecutive lines (blank lines aside); `...` stands for lines left out.
 */
function expectExcerpt(excerpt: string, actual: string): void {
  const real = actual.split('\n').map(normalize).filter((line) => line !== '');
  const segments = excerpt
    .split(/^\.\.\.$/m)
    .map((segment) => segment.split('\n').map(normalize).filter((line) => line !== ''))
    .filter((segment) => segment.length > 0);
  let from = 0;
  for (const segment of segments) {
    const at = real.findIndex((_, index) => index >= from && segment.every((line, offset) => real[index + offset] === line));
    expect(at, `not in the real output (after line ${from}):\n${segment.join('\n')}\n--- real output ---\n${real.join('\n')}`).toBeGreaterThanOrEqual(0);
    from = at + segment.length;
  }
}

/** The keys a documented NDJSON line names, in order (values elided with `…` are fine). */
function keysOf(line: string): string[] {
  return [...line.matchAll(/"(\w+)":/g)].map((match) => match[1] ?? '');
}

function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let index = 0;
  for (const key of whole) if (key === part[index]) index += 1;
  return index === part.length;
}

describe('docs/cli.md output examples', () => {
  it('`$ stackfleet …` transcripts print exactly what the CLI prints', () => {
    const dir = exampleFleet();
    const transcripts = blocks.filter((block) => block.startsWith('$ stackfleet '));
    expect(transcripts.length).toBeGreaterThan(0);
    for (const transcript of transcripts) {
      const [command = '', ...expected] = transcript.trimEnd().split('\n');
      const result = runStackfleet(command.slice('$ stackfleet '.length).split(/\s+/), { cwd: dir });
      expect(`${command}\n${(result.stdout + result.stderr).trimEnd()}`).toBe(`${command}\n${expected.join('\n')}`);
    }
  });

  it('the headless run excerpt is the example fleet\'s first apply', () => {
    // A plan run first (the example's policy judges every plan), then the apply of those plans.
    const excerpt = blocks.find((block) => /^plan \d+ stacks \(run [\s\S]*\napply \d+ stacks \(run /.test(block));
    expect(excerpt).toBeDefined();
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: exampleFleet() });
    expect(apply.code, apply.stderr).toBe(0);
    expectExcerpt(excerpt!, apply.stdout);
  }, 120_000);

  it('each documented NDJSON event has its type and keys, in that order, in a real `apply --json`', () => {
    const documented = blocks.find((block) => block.startsWith('{"type":'))?.trim().split('\n') ?? [];
    expect(documented.length).toBeGreaterThan(5);
    const apply = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: exampleFleet() });
    expect(apply.code, apply.stderr).toBe(0);
    const real = parseJsonLines(apply.stdout).map((event) => ({ type: event.type, keys: keysOf(JSON.stringify(event)) }));
    for (const line of documented) {
      const type = /^\{"type":"([\w.]+)"/.exec(line)?.[1];
      const keys = keysOf(line);
      const matches = real.filter((event) => event.type === type && isSubsequence(keys, event.keys));
      expect(matches.length, `no real ${type} event has the keys ${keys.join(', ')}`).toBeGreaterThan(0);
    }
  }, 120_000);
});
