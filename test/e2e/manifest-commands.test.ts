import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** A fleet dir with the given stacks.yaml and one directory per stack path. */
function fleet(yaml: string, dirs: string[] = []): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  writeFileSync(join(dir, 'stacks.yaml'), yaml);
  for (const path of dirs) mkdirSync(join(dir, path), { recursive: true });
  return dir;
}

const diamond = `version: 1
stacks:
  network: { runner: command, path: s/network, labels: [core], commands: { apply: "true" } }
  db: { runner: command, path: s/db, dependsOn: [network], labels: [prod], commands: { apply: "true" } }
  dns: { runner: command, path: s/dns, dependsOn: [network], commands: { apply: "true" } }
  app:
    runner: command
    path: s/app
    labels: [prod]
    dependsOn: [db]
    env: { ZONE: "\${{ stacks.dns.outputs.zone }}" }
    commands: { apply: "true" }
`;
const diamondDirs = ['s/network', 's/db', 's/dns', 's/app'];

describe('validate', () => {
  it('accepts a valid manifest', () => {
    const dir = fleet(diamond, diamondDirs);
    const result = runStackfleet(['validate'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('stacks.yaml: valid (4 stacks)\n');
    expect(result.code).toBe(0);
  });

  it('reports an unknown stack with file:line:col, key path and a suggestion, exit 1', () => {
    const dir = fleet(diamond.replace('dependsOn: [db]', 'dependsOn: [dbb]'), diamondDirs);
    const result = runStackfleet(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^stacks\.yaml:\d+:\d+ stacks\.app\.dependsOn\[0\](\.stack)?: unknown stack "dbb" \(did you mean "db"\?\)/m);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('prints the whole cycle', () => {
    const dir = fleet(diamond.replace('dependsOn: [network], labels: [core]', 'dependsOn: [network]').replace('network: { runner: command, path: s/network, labels: [core],', 'network: { runner: command, path: s/network, dependsOn: [app],'), diamondDirs);
    const result = runStackfleet(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cycle: app -> db -> network -> app');
  });

  it('rejects a stack path that escapes through a symlink', () => {
    const outside = makeTempDir();
    cleanups.push(outside.cleanup);
    const dir = fleet(diamond, ['s/network', 's/db', 's/app']);
    symlinkSync(outside.dir, join(dir, 's/dns'));
    const result = runStackfleet(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stacks\.yaml:\d+:\d+ stacks\.dns\.path: path "s\/dns" resolves through a symlink/);
  });

  it('reports YAML syntax errors with a location', () => {
    const dir = fleet('version: 1\nstacks:\n  app: { path: [unclosed\n');
    const result = runStackfleet(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^stacks\.yaml:\d+:\d+ /m);
  });

  it('finds the manifest in a parent directory, or with -f', () => {
    const dir = fleet(diamond, diamondDirs);
    expect(runStackfleet(['validate'], { cwd: join(dir, 's/app') }).code).toBe(0);
    const other = makeTempDir();
    cleanups.push(other.cleanup);
    expect(runStackfleet(['validate', '-f', join(dir, 'stacks.yaml')], { cwd: other.dir }).code).toBe(0);
    const missing = runStackfleet(['validate'], { cwd: other.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no stacks.yaml');
  });
});

describe('list and graph', () => {
  it('lists by name, in run order, and with selectors', () => {
    const dir = fleet(diamond, diamondDirs);
    expect(runStackfleet(['list'], { cwd: dir }).stdout).toBe('app\ndb\ndns\nnetwork\n');
    expect(runStackfleet(['list', '--order'], { cwd: dir }).stdout).toBe('network\ndb\ndns\napp\n');
    expect(runStackfleet(['list', '--label', 'prod'], { cwd: dir }).stdout).toBe('app\ndb\n');
    expect(runStackfleet(['list', '--order', '--stack', 'app', '--with-dependencies'], { cwd: dir }).stdout).toBe('network\ndb\ndns\napp\n');
    expect(runStackfleet(['list', '--order', '--stack', 'network', '--with-dependents', '--exclude', 'd*'], { cwd: dir }).stdout).toBe('network\napp\n');
  });

  it('lists as NDJSON', () => {
    const dir = fleet(diamond, diamondDirs);
    const lines = parseJsonLines(runStackfleet(['list', '--json', '--order'], { cwd: dir }).stdout);
    expect(lines.map((line) => line.name)).toEqual(['network', 'db', 'dns', 'app']);
    expect(lines[3]).toMatchObject({ name: 'app', runner: 'command', path: 's/app', labels: ['prod'], dependsOn: ['db', 'dns'] });
  });

  it('lists stacks whose directory is missing, which validate still reports', () => {
    const dir = fleet(diamond, ['s/network', 's/db', 's/app']);
    expect(runStackfleet(['list', '--order'], { cwd: dir }).stdout).toBe('network\ndb\ndns\napp\n');
    const result = runStackfleet(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^stacks\.yaml:5:\d+ stacks\.dns\.path: directory "s\/dns" does not exist/m);
  });

  it('fails with a suggestion when a glob matches nothing', () => {
    const dir = fleet(diamond, diamondDirs);
    const result = runStackfleet(['list', '--stack', 'netwrk'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('did you mean "network"?');
  });

  it('renders the graph in every format', () => {
    const dir = fleet(diamond, diamondDirs);
    expect(runStackfleet(['graph'], { cwd: dir }).stdout).toMatchInlineSnapshot(`
      "level 0
        network
      level 1
        db       <- network
        dns      <- network
      level 2
        app      <- db, dns
      "
    `);
    expect(runStackfleet(['graph', '--format', 'dot'], { cwd: dir }).stdout).toContain('"network" -> "db";');
    expect(runStackfleet(['graph', '--format', 'mermaid'], { cwd: dir }).stdout).toMatch(/^graph LR\n/);
    const json = JSON.parse(runStackfleet(['graph', '--format', 'json'], { cwd: dir }).stdout) as { edges: unknown[] };
    expect(json.edges).toContainEqual({ from: 'dns', to: 'app', kind: 'reference' });
    const bad = runStackfleet(['graph', '--format', 'png'], { cwd: dir });
    expect(bad.code).toBe(1);
  });

  it('prints help with examples and the version', () => {
    const dir = fleet(diamond, diamondDirs);
    const help = runStackfleet(['list', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(runStackfleet(['--version'], { cwd: dir }).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const unknown = runStackfleet(['frobnicate'], { cwd: dir });
    expect(unknown.code).toBe(1);
  });
});
