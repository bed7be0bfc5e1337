import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function fleet(yaml: string, dirs: string[]): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  writeFileSync(join(dir, 'stacks.yaml'), yaml);
  for (const path of dirs) mkdirSync(join(dir, path), { recursive: true });
  return dir;
}

/**
 * Issue #11.2 and #16.4: every template, in every key, sees the variables after
 * precedence; chains resolve; cycles and self-reads are located validation errors.
 */
describe('variables after precedence, in vars and env alike', () => {
  it('gives vars and env the context override, and resolves chains, in a real apply', () => {
    const dir = fleet([
      'version: 1',
      'variables:',
      '  environment: staging',
      '  a: "${{ vars.b }}"',
      '  b: "${{ vars.c }}-b"',
      '  c: deep',
      'contexts:',
      '  prod: { attachTo: { labels: [prod] }, vars: { environment: prod } }',
      'stacks:',
      '  web:',
      '    runner: command',
      '    path: web',
      '    labels: [prod]',
      '    vars: { zone: "${{ vars.environment }}.example" }',
      '    env: { ZONE_ENV: "${{ vars.environment }}.example", CHAIN: "${{ vars.a }}" }',
      // Command stacks get their vars as env vars (`zone`) and their env (`ZONE_ENV`).
      `    commands: { apply: 'printf "{\\"zone\\":\\"%s\\",\\"zone_env\\":\\"%s\\",\\"chain\\":\\"%s\\",\\"a\\":\\"%s\\"}" "$zone" "$ZONE_ENV" "$CHAIN" "$a" > "$STACKFLEET_OUTPUTS"' }`,
      '',
    ].join('\n'), ['web']);
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stderr).toBe(0);
    const outputs = runStackfleet(['outputs', 'web', '--json'], { cwd: dir });
    expect(outputs.code, outputs.stderr).toBe(0);
    expect(JSON.parse(outputs.stdout)).toEqual({ zone: 'prod.example', zone_env: 'prod.example', chain: 'deep-b', a: 'deep-b' });
  });

  it('rejects a template that reads its own key, and a cycle, with their locations', () => {
    const dir = fleet([
      'version: 1',
      'variables:',
      '  environment: dev',
      '  a: "${{ vars.b }}"',
      '  b: "${{ vars.a }}"',
      'stacks:',
      '  web:',
      '    runner: command',
      '    path: web',
      '    vars: { environment: "${{ vars.environment }}-eu" }',
      '    env: { E: "${{ vars.environment }}" }',
      '    commands: { apply: "true" }',
      '',
    ].join('\n'), ['web']);
    const result = runStackfleet(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('stacks.yaml:4:6 variables.a: variable cycle: a -> b -> a');
    expect(result.stderr).toContain('stacks.yaml:10:26 stacks.web.vars.environment: variable "environment" reads its own key');
    // Nothing runs with literal template text.
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('variable cycle: a -> b -> a');
  });
});
