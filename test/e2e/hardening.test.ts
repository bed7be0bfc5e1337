import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliBin, makeTempDir, repoRoot, testEnv } from '../support/cli.js';
import { scanFiles } from '../support/scan-files.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function fleetDir(yaml: string, dirs: string[] = []): string {
  const { dir, cleanup } = makeTempDir('stackfleet-harden-');
  cleanups.push(cleanup);
  writeFileSync(join(dir, 'stacks.yaml'), yaml);
  for (const path of dirs) mkdirSync(join(dir, path), { recursive: true });
  return dir;
}

/** Runs the built CLI through `sh -c '... 2>&1 | cat'`: stdout and stderr are one pipe. */
function runThroughPipe(args: string, cwd: string, env: Record<string, string> = {}): string {
  const command = `umask 000; "${process.execPath}" "${cliBin}" ${args} 2>&1 | cat`;
  const result = spawnSync('sh', ['-c', command], { cwd, env: testEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return result.stdout;
}

describe('everything written reaches the reader', () => {
  it('delivers 3,000 validation errors whole through a pipe', () => {
    const stacks = Array.from(
      { length: 3000 },
      (_, index) => `  s${index}:\n    runner: command\n    path: .\n    dependsOn: [missing${index}]\n    commands: { apply: "true" }`,
    );
    const dir = fleetDir(`version: 1\nstacks:\n${stacks.join('\n')}\n`);
    const output = runThroughPipe('validate', dir);
    const problems = output.split('\n').filter((line) => /^stacks\.yaml:\d+:\d+ /.test(line));
    expect(problems).toHaveLength(3000);
    expect(output).toMatch(/3000 problems found\n$/);
  }, 60_000);
});

/** Every entry under dir whose mode gives group or others any access. */
function findShared(dir: string): string[] {
  const shared: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    const stat = statSync(path);
    if ((stat.mode & 0o077) !== 0) shared.push(`${entry} ${(stat.mode & 0o777).toString(8)}`);
  }
  if ((statSync(dir).mode & 0o077) !== 0) shared.push('.');
  return shared.sort();
}

describe('private by default on disk', () => {
  it('creates the state dir 0700 and its files 0600 even with umask 000', () => {
    const dir = fleetDir(
      `version: 1
contexts:
  creds:
    attachTo: { labels: ["*"] }
    files: { "creds.auto.tfvars": "token = \\"s3cret\\"\\n" }
stacks:
  app:
    runner: command
    path: app
    commands:
      plan: 'stat -c %a creds.auto.tfvars > ../creds-mode; exit 2'
      apply: 'echo "{\\"url\\": \\"https://example.test\\"}" > "$STACKFLEET_OUTPUTS"'
`,
      ['app'],
    );
    const output = runThroughPipe('apply --auto-approve', dir);
    expect(output).toMatch(/1 succeeded/);
    expect(findShared(join(dir, '.stackfleet'))).toEqual([]);
    // a context file lives in the stack directory for the run: private too
    expect(readFileSync(join(dir, 'creds-mode'), 'utf8').trim()).toBe('600');
  }, 60_000);
});

describe('the state key never reaches a stack', () => {
  const stateKey = 'ab'.repeat(32);
  const env = { STACKFLEET_STATE_KEY: stateKey, MY_TOKEN: 'token-4f1c9e' };
  const yaml = `version: 1
contexts:
  tokens:
    secrets: { TOKEN: { fromEnv: MY_TOKEN } }
    hooks: { beforeApply: ["env | sed 's/^/hook: /'"] }
stacks:
  asks:
    runner: command
    path: asks
    contexts: [tokens]
    commands: { apply: "env" }
  other:
    runner: command
    path: other
    env: { COPY: "\${{ env.STACKFLEET_STATE_KEY }}" }
    commands: { apply: "env; cat ../key-copy 2>/dev/null" }
`;

  it('removes STACKFLEET_STATE_KEY and fromEnv sources from stacks, hooks and run -- CMD, and masks them', () => {
    const dir = fleetDir(yaml, ['asks', 'other']);
    writeFileSync(join(dir, 'key-copy'), `${stateKey}\n`);
    const applied = runThroughPipe('apply --auto-approve', dir, env);
    expect(applied).toMatch(/2 succeeded/);
    const ran = runThroughPipe('run -- env', dir, env);
    expect(ran).toMatch(/2 succeeded/);
    for (const output of [applied, ran]) {
      expect(output).not.toContain(stateKey);
      expect(output).not.toMatch(/STACKFLEET_STATE_KEY=/);
      expect(output).not.toMatch(/MY_TOKEN=/);
    }
    // the stack that declared the secret gets it under its own name, masked
    expect(applied).toMatch(/asks.*TOKEN=\*\*\*/);
    expect(applied).toMatch(/asks.*hook: TOKEN=\*\*\*/);
    expect(applied).toMatch(/other.*COPY=\*\*\*/);
    expect(applied).not.toMatch(/other.*\bTOKEN=/);
    expect(scanFiles(join(dir, '.stackfleet'), [stateKey, 'token-4f1c9e'])).toEqual([]);
  }, 60_000);
});

describe('hooks never execute data', () => {
  it('passes an upstream output to a hook as a value, not as shell code', () => {
    const dir = fleetDir(
      `version: 1
variables:
  greeting: "hi; touch ../pwned-var"
stacks:
  web:
    runner: command
    path: web
    commands:
      apply: |
        printf '{"url": "web-$(touch ../pwned)"}' > "$STACKFLEET_OUTPUTS"
  app:
    runner: command
    path: app
    dependsOn: [web]
    hooks:
      afterApply: ["echo url=\${{ stacks.web.outputs.url }} '\${{ vars.greeting }}' > ../seen"]
    commands: { apply: "true" }
`,
      ['web', 'app'],
    );
    const output = runThroughPipe('apply --auto-approve', dir);
    expect(output).toMatch(/2 succeeded/);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned-var'))).toBe(false);
    expect(readFileSync(join(dir, 'seen'), 'utf8')).toBe('url=web-$(touch ../pwned) hi; touch ../pwned-var\n');
  }, 60_000);
});

describe('a hostile manifest through the CLI', () => {
  it('reports block nesting thousands of levels deep as a located problem, not an internal error', () => {
    const levels = Array.from({ length: 3000 }, (_, level) => `${'  '.repeat(level + 1)}k${level}:`);
    const dir = fleetDir(`version: 1\nvariables:\n${levels.join('\n')}\n${'  '.repeat(3001)}leaf\nstacks: {}\n`);
    const output = runThroughPipe('validate', dir);
    expect(output).not.toContain('internal error');
    expect(output).toMatch(/^stacks\.yaml:\d+:\d+ invalid YAML: nested too deeply$/m);
  }, 60_000);
});

describe('damaged state fails cleanly', () => {
  it('reports a corrupt row of the real state database as a located E_STATE_CORRUPT_ROW, not an internal error', () => {
    const dir = fleetDir('version: 1\nstacks:\n  app: { runner: command, path: app, commands: { apply: "true" } }\n', ['app']);
    expect(runThroughPipe('apply --auto-approve', dir)).toMatch(/1 succeeded/);
    // better-sqlite3 is the state package's dependency: take it from there.
    const Database = createRequire(join(repoRoot, 'packages/state/package.json'))('better-sqlite3') as new (path: string) => {
      prepare(sql: string): { run(): unknown };
      close(): void;
    };
    const db = new Database(join(dir, '.stackfleet/state.db'));
    db.prepare(`UPDATE runs SET stacks = '["app"'`).run();
    db.close();
    const history = runThroughPipe('history', dir);
    expect(history).toMatch(/^error: the state database ".*state\.db" has a damaged row: table runs, row id = '[^']+', column stacks is not valid JSON/m);
    expect(history).toMatch(/hint: restore the database from a backup, or remove the row: sqlite3 ".*state\.db" "DELETE FROM runs WHERE id = '[^']+'"/);
    expect(history).not.toMatch(/internal error|SyntaxError/);
  }, 60_000);
});
