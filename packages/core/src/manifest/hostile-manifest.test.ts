import { describe, expect, it } from 'vitest';
import { collectProblems, formatProblems } from './manifest-problems.fixtures.js';
import { parseManifest } from './parse-manifest.js';

const STACK = 'stacks:\n  s: { runner: command, path: ., commands: { apply: "true" } }\n';

/** Nine aliases of nine aliases, `levels` deep: 9^levels values once expanded. */
function aliasBomb(levels: number): string {
  const lines = ['version: 1', 'variables:', `  a0: &a0 [${Array(9).fill('"xxxxxxxxxx"').join(',')}]`];
  for (let level = 1; level <= levels; level += 1) lines.push(`  a${level}: &a${level} [${Array(9).fill(`*a${level - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

describe('a hostile manifest', () => {
  it('stops an 8-level alias bomb (602 bytes, 387 million values) with a located E_YAML', () => {
    expect(formatProblems(aliasBomb(8) + STACK)).toMatchInlineSnapshot(`
      "E_YAML stacks.yaml:9:12 invalid YAML: aliases expand the manifest past 1000000 values or 16 MiB of text
        hint: aliases of aliases multiply: share values one level deep (e.g. <<: *defaults)"
    `);
  });

  it('reports the bomb, not an internal error, when the file has other problems too', () => {
    const problems = collectProblems(`${aliasBomb(8)}${STACK}  bad: 3\n`);
    expect(problems.map((problem) => [problem.code, problem.location?.line])).toEqual([['E_YAML', 9]]);
  });

  it('accepts aliases that stay within the limits, shared values walked once', () => {
    const { manifest } = parseManifest(aliasBomb(5) + STACK, 'stacks.yaml');
    expect((manifest.variables.a5 as unknown[]).length).toBe(9);
  });

  it('locates unknown anchors, self-containing aliases and merge keys that are not maps', () => {
    expect(formatProblems(`version: 1\nvariables:\n  a: *nope\n${STACK}`)).toMatchInlineSnapshot(`
      "E_YAML stacks.yaml:3:6 invalid YAML: unknown anchor "nope" in alias "*nope"
        hint: define "&nope" before this alias, or fix its name"
    `);
    expect(formatProblems(`version: 1\nvariables:\n  a: &a [1, *a]\n${STACK}`)).toMatchInlineSnapshot(`
      "E_YAML stacks.yaml:3:13 invalid YAML: alias "*a" is inside the value it refers to
        hint: an alias cannot repeat a value that contains it; copy what you need instead"
    `);
    expect(formatProblems(`version: 1\nvariables:\n  a:\n    <<: 1\n${STACK}`)).toMatchInlineSnapshot(`
      "E_YAML stacks.yaml:4:9 invalid YAML: a "<<" merge key takes a map, an alias of a map, or a list of those
        hint: write "<<: *defaults" where "defaults" is a map (&defaults { key: value })"
    `);
    expect(formatProblems(`version: 1\nvariables:\n  d: &d { x: 1 }\n  a: { <<: [*d, 2] }\n${STACK}`)).toMatchInlineSnapshot(`
      "E_YAML stacks.yaml:4:17 invalid YAML: a "<<" merge key takes a map, an alias of a map, or a list of those
        hint: write "<<: *defaults" where "defaults" is a map (&defaults { key: value })"
    `);
  });

  it('reports nesting thousands of levels deep as located, not as a crash', () => {
    const problems = collectProblems(`version: 1\nvariables:\n  deep: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n${STACK}`);
    expect(problems.map((problem) => [problem.code, problem.message, problem.location?.line])).toEqual([['E_YAML', 'invalid YAML: nested too deeply', 3]]);
  });

  it('reports 200,000 expressions in one value as one located problem, without parsing them', () => {
    const problems = collectProblems(`version: 1\nvariables:\n  v: "${'${{ vars.x }}'.repeat(200_000)}"\n${STACK}`);
    expect(problems.map((problem) => [problem.code, problem.message, problem.location?.line])).toEqual([
      ['E_INTERPOLATION', 'too many expressions in one value (200000, at most 1000)', 3],
    ]);
  });

  it('reports at most 10 problems of one value, then how many more', () => {
    const problems = collectProblems(`version: 1\nvariables:\n  v: "${'${{ vars.x }}'.repeat(1000)}"\n${STACK}`);
    expect(problems).toHaveLength(10);
    expect(problems.every((problem) => problem.location?.line === 3)).toBe(true);
    expect(problems[9]?.hint).toContain('(and 990 more problems in this value)');
  });

  it('quotes values shortened and escaped: no raw newline, no megabyte message', () => {
    const huge = `${'line\\n'.repeat(1000)}${'x'.repeat(1_000_000)}`;
    const problems = collectProblems(`version: 1\nstacks:\n  s: { runner: "${huge}", path: ., dependsOn: ["a\\nb"], commands: { apply: "true" } }\n`);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.message).not.toContain('\n');
      expect(problem.message.length).toBeLessThan(300);
    }
    expect(problems[0]?.message).toMatch(/^unknown runner "line\\nline\\n.*…" \(1005000 characters\)/);
  });
});
