import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExampleFleet, makeTempDir, runStackfleet, type JsonLine } from '../support/cli.js';

const SECRET = 's3cr3t-example-password';

function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path));
    else found.push(path);
  }
  return found;
}

/** The README's first quick-start command, on a copy of the repository's example fleet, with real terraform. */
describe('the example fleet (real terraform)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    copyExampleFleet(dir);
  });
  afterAll(() => cleanup());

  it('validates and plans with a mock for the never-applied network', () => {
    expect(runStackfleet(['validate'], { cwd: dir }).code).toBe(0);
    const plan = runStackfleet(['plan', '--stack', 'database', '--detailed-exitcode'], { cwd: dir });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('vpc-00000000');
  });

  it('refuses to apply a stack whose input would be a mock', () => {
    const result = runStackfleet(['apply', '--stack', 'database', '--auto-approve'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/database .*failed.*mock/);
  });

  it('applies everything in order, passing outputs downstream, with secrets masked everywhere', () => {
    const result = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/succeeded: 5 stacks, 5 succeeded/);
    expect(result.stdout).toContain('ok: https://app.dev.example.internal looks reachable');
    const outputs = JSON.parse(runStackfleet(['outputs', 'database', '--json'], { cwd: dir }).stdout);
    expect(outputs).toEqual({ connection_string: '***', endpoint: expect.stringMatching(/^db-[0-9a-f]{6}\.internal:5432$/) });
    const app = JSON.parse(runStackfleet(['outputs', 'app', '--json'], { cwd: dir }).stdout);
    expect(app).toEqual({ url: 'https://app.dev.example.internal' });
    // Not in the terminal, not in the store, not in the logs.
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    for (const file of filesUnder(join(dir, '.stackfleet'))) {
      expect(readFileSync(file).includes(SECRET), file).toBe(false);
    }
    // Context files are removed after the run.
    expect(readdirSync(join(dir, 'examples/network'))).not.toContain('stackfleet.auto.tfvars');
  });

  it('reports every terraform stack unchanged on a second apply, and plan exits 0', () => {
    const again = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
    expect(again.code).toBe(0);
    const finished = again.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonLine)
      .filter((event) => event.type === 'stack.finished');
    expect(Object.fromEntries(finished.map((event) => [event.stack, event.status]))).toEqual({
      network: 'unchanged',
      database: 'unchanged',
      dns: 'unchanged',
      app: 'unchanged',
      smoke: 'succeeded',
    });
    // smoke has no commands.plan: its changes are unknown, which --detailed-exitcode does not count.
    expect(runStackfleet(['plan', '--detailed-exitcode', '--exclude', 'smoke'], { cwd: dir }).code).toBe(0);
    const withSmoke = runStackfleet(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(withSmoke.code).toBe(0);
    expect(withSmoke.stderr).toContain('note: smoke: no commands.plan, so changes are unknown; not counted by --detailed-exitcode');
  });

  it('destroys in reverse order, but the blast-radius policy keeps the production database and the network it needs', () => {
    const result = runStackfleet(['destroy', '--auto-approve', '--json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(3);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonLine);
    // Policies judge destroys: every stack's destroy is planned first (a plan run), then those plans are applied.
    const destroying = events.slice(events.findLastIndex((event) => event.type === 'run.started'));
    expect(destroying[0]).toMatchObject({ command: 'destroy' });
    const started = destroying.filter((event) => event.type === 'stack.started').map((event) => event.stack);
    expect(started.indexOf('smoke')).toBeLessThan(started.indexOf('app'));
    expect(started.indexOf('app')).toBeLessThan(started.indexOf('database'));
    const status = Object.fromEntries(destroying.filter((event) => event.type === 'stack.finished').map((event) => [event.stack, event.status]));
    // smoke has no commands.destroy: nothing to destroy, so it ends unchanged.
    expect(status).toEqual({ smoke: 'unchanged', app: 'succeeded', dns: 'succeeded', database: 'denied', network: 'skipped' });
    expect(runStackfleet(['outputs', 'app', '--json'], { cwd: dir }).stdout.trim()).toBe('{}');
    expect(runStackfleet(['outputs', 'network', '--json'], { cwd: dir }).stdout.trim()).not.toBe('{}');
  });
});
