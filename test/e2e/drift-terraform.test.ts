import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet, testEnv } from '../support/cli.js';

const MANIFEST = `version: 1
stacks:
  net: { path: stacks/net }
  app:
    path: stacks/app
    dependsOn: [{ stack: net, outputs: { id: TF_VAR_net_id } }]
  cache: { path: stacks/cache, drift: { remediate: true } }
  db: { path: stacks/db, drift: { remediate: true } }
`;

const STACKS: Record<string, string> = {
  net: 'resource "terraform_data" "x" {\n  input = "net"\n}\noutput "id" {\n  value = terraform_data.x.output\n}\n',
  app: 'variable "net_id" {\n  type = string\n}\nresource "terraform_data" "y" {\n  input = var.net_id\n}\n',
  cache: 'resource "terraform_data" "w" {\n  input = "cache"\n}\n',
  db: 'resource "terraform_data" "z" {\n  triggers_replace = "v1"\n}\n',
};

/** Real terraform (`terraform_data`, no providers to download), drift made out of band in the state. */
describe('stackfleet drift on terraform stacks', () => {
  let dir: string;
  let cleanup: () => void;
  const drift = (...args: string[]) => runStackfleet(['drift', '-j', '2', ...args], { cwd: dir });
  const terraform = (stack: string, args: string[], input?: string) => {
    const result = spawnSync('terraform', args, { cwd: join(dir, 'stacks', stack), env: testEnv(), encoding: 'utf8', input });
    if (result.status !== 0) throw new Error(`terraform ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
    for (const [stack, main] of Object.entries(STACKS)) {
      mkdirSync(join(dir, 'stacks', stack), { recursive: true });
      writeFileSync(join(dir, 'stacks', stack, 'main.tf'), main);
    }
    const applied = runStackfleet(['apply', '--auto-approve', '-j', '2'], { cwd: dir });
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.stdout}\n${applied.stderr}`);
  });
  afterAll(() => cleanup());

  it('exits 0 on a clean fleet', () => {
    const result = drift();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('drift: 4 stack(s): 0 drifted, 4 clean, 0 error(s), 0 skipped');
  });

  it('reports exactly the stack whose state changed out of band, with its change summary, and exits 2', () => {
    terraform('net', ['state', 'rm', 'terraform_data.x']);
    const result = drift('--report', 'drift.md', '--junit', 'drift.xml');
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toContain('drift: 4 stack(s): 1 drifted, 3 clean, 0 error(s), 0 skipped');
    expect(result.stdout).toContain('  net: drifted (1 to create)');
    const report = readFileSync(join(dir, 'drift.md'), 'utf8');
    expect(report.slice(report.indexOf('## '))).toMatchInlineSnapshot(`
      "## Manifest repository

      | Stack | Status | Changes |
      |---|---|---|
      | cache | clean |  |
      | db | clean |  |
      | net | drifted | +1 |
      | app | clean |  |

      <details><summary>net: drifted: 1 to create</summary>

      - \`+\` create \`terraform_data.x\`
      </details>
      "
    `);
    expect(readFileSync(join(dir, 'drift.xml'), 'utf8')).toContain('<failure message="drifted: 1 to create" type="drift">create terraform_data.x</failure>');
  });

  it('--remediate applies the sweep plan of opted-in stacks, never one that deletes more than maxDeletes', () => {
    terraform('cache', ['state', 'rm', 'terraform_data.w']);
    // db: change triggers_replace in the state, so the plan replaces (destroys) terraform_data.z.
    const state = JSON.parse(terraform('db', ['state', 'pull'])) as { serial: number; resources: { instances: { attributes: { triggers_replace: unknown } }[] }[] };
    state.serial += 1;
    const instance = state.resources[0]?.instances[0];
    if (!instance) throw new Error('db state has no instance');
    instance.attributes.triggers_replace = { value: 'v0', type: 'string' };
    writeFileSync(join(dir, 'db.tfstate'), JSON.stringify(state));
    terraform('db', ['state', 'push', join(dir, 'db.tfstate')]);

    const result = drift('--remediate');
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toContain('  cache: remediated (1 to create)');
    expect(result.stdout).toContain('  db: needs a human (1 to replace; plan deletes 1 resource, more than drift.maxDeletes (0))');
    expect(result.stdout).toContain('  net: drifted (1 to create)');

    const after = drift();
    expect(after.stdout).toContain('drift: 4 stack(s): 2 drifted, 2 clean, 0 error(s), 0 skipped');
    expect(after.stdout).not.toContain('cache:');
  });

  it('a broken stack is an error, never "no drift", and exits 1', () => {
    writeFileSync(join(dir, 'stacks/app/main.tf'), 'resource "terraform_data" "y" {\n');
    const result = drift('--stack', 'app', '--junit', 'broken.xml');
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toContain('drift: 1 stack(s): 0 drifted, 0 clean, 1 error(s), 0 skipped');
    expect(readFileSync(join(dir, 'broken.xml'), 'utf8')).toMatch(/<testcase classname="drift" name="app" time="[\d.]+">\n {6}<error message="error: /);
    const history = runStackfleet(['drift', '--history', 'app', '--json'], { cwd: dir }).stdout.trim().split('\n');
    expect(JSON.parse(history[0] ?? '{}')).toMatchObject({ stack: 'app', status: 'error', event: 'error' });
  });
});
