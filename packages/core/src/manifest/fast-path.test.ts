import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import type { LoadedManifest } from '../model.js';
import { parseManifest, parseManifestWithPositions } from './parse-manifest.js';

const repoRoot = join(import.meta.dirname, '../../../..');

const anchors = `version: 1
x-defaults: &defaults
  runner: command
  commands: { apply: "true" }
  labels: [shared]
variables: { region: eu-west-1, count: 3, on: true, none: null, when: 2024-01-01, octal: 0o17 }
stacks:
  a:
    <<: *defaults
    path: a
  b:
    <<: *defaults
    path: b
    dependsOn: [a]
    env: { N: 12, FLAG: yes, QUOTED: "\${{ vars.region }}" }
    vars: { list: [1, "2", 3.5], nested: { deep: [true, ~] } }
  c:
    path: c
    runner: command
    commands: { apply: "echo |\\n" }
    files:
      "x.txt": |
        line one
        line two
`;

/** The problems (with locations) a parser reports for `text`, or the manifest and a few locations when it parses. */
function outcome(parse: (text: string, source: string) => LoadedManifest, text: string, paths: string[]): unknown {
  try {
    const loaded = parse(text, 'stacks.yaml');
    return { manifest: loaded.manifest, locations: paths.map((path) => loaded.locate(path)) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.problems;
  }
}

// Problems deep in stacks, through anchors, aliases, merge keys, comments, flow and block styles.
const withProblems = `version: 1
x-defaults: &defaults
  runner: command
  commands: { apply: "true" }
x-list: &deps [a, nowhere]
stacks:
  a:
    <<: *defaults
    path: a
    timeout: 5 parsecs
  b: # a comment
    &bmap
    runner: command
    path: b
    dependsOn:
      - a
      - stack: missing
        outputs: { x: 1 }
    env: { OK: "\${{ vars.nope }}" }
  c:
    path: c
    runner: command
    commands: { apply: "true" }
    dependsOn: *deps
  d: { path: d, runner: nope, dependsOn: [b, c, d] }
  e:
    - not a map
  f:
    runner: command
    path: f
    commands:
      apply: "true"
    retries: { attempts: 2, on: ["(a"] }
    after: [ghost]
  g: *bmap
`;

// Past the length whose text locating skips (yaml-positions.ts): a 5,000-character value, escapes, one folded over lines.
const longValue = 'x\\n\\"'.repeat(1250);
const longValues = `version: 1
variables:
  long: "${longValue}"
  folded: "${longValue}
    ${longValue}"
stacks:
  a:
    runner: command
    env: { LONG: "${longValue}", BAD: "\${{ vars.nope }}" }
    dependsOn: ["${longValue}", ghost]
  b: { path: b, runner: nope, vars: { v: "${longValue}" } }
`;

function generatedFleet(count: number): string {
  const lines = ['version: 1', 'stacks:'];
  for (let index = 0; index < count; index += 1) {
    const deps = index === 0 ? '' : `s${index - 1}${index % 7 === 0 ? ', ghost' : ''}`;
    lines.push(`  s${index}:`, `    runner: ${index % 11 === 0 ? 'nope' : 'command'}`, `    path: s${index}`, `    dependsOn: [${deps}]`, '    commands: { apply: "true" }');
  }
  return `${lines.join('\n')}\n`;
}

describe('parseManifest', () => {
  it.each([
    ['the example fleet', readFileSync(join(repoRoot, 'stacks.yaml'), 'utf8')],
    ['anchors, merges and every scalar kind', anchors],
  ])('gives exactly the positional parser\'s manifest and locations for %s', (_name, text) => {
    const paths = ['stacks.b.dependsOn[0]', 'stacks.a.runner', 'stacks.b.env.N', 'stacks.c.files["x.txt"]', 'variables.octal', 'stacks.b', 'stacks.zzz.path'];
    expect(outcome(parseManifest, text, paths)).toEqual(outcome(parseManifestWithPositions, text, paths));
  });

  it.each([
    ['anchors, aliases, merges, comments, flow and block styles', withProblems],
    ['a generated fleet of 300 stacks', generatedFleet(300)],
    ['a schema problem', 'version: 1\nstacks:\n  a: { path: a, runner: nope }\n'],
    ['a rule problem', 'version: 1\nstacks:\n  a: { path: a, runner: command, commands: { apply: "true" }, dependsOn: [zzz] }\n'],
    ['a duplicate key', 'version: 1\nstacks:\n  a: { path: a, runner: command, commands: { apply: "true" } }\n  a: { path: b, runner: command, commands: { apply: "true" } }\n'],
    ['invalid YAML', 'version: 1\nstacks: [unclosed\n'],
    ['long double-quoted values beside them, on one line and folded', longValues],
    // js-yaml merges a list as a map of its indexes; the positional parser refuses it.
    ['a merge of a list, and another problem', 'version: 1\nvariables:\n  a0: &a0 ["x", "y"]\n  a1: {<<: *a0}\nstacks:\n  bad: 3\n'],
    // An empty explicit key is "null" to js-yaml, "" to the positional parser.
    ['an empty explicit key', 'version: 1\nstacks:\n  a: { path: a, runner: command, commands: { apply: "true" } }\n? \n'],
  ])('reports exactly the positional parser\'s problems, located the same, for %s', (_name, text) => {
    const problems = outcome(parseManifest, text, []);
    expect(Array.isArray(problems) && problems.length).toBeGreaterThan(0);
    expect(problems).toEqual(outcome(parseManifestWithPositions, text, []));
  });
});
