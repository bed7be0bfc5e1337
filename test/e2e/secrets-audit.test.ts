/**
 * The secrets audit (issue #16): secrets from every source (fromEnv, a
 * multi-line fromFile, fromCommand, the state key, a terraform sensitive
 * output and the command-stack outputs that carry them) go through every
 * path (stack output, hooks, `run -- CMD`, failure reasons, NDJSON, logs,
 * the store, reports, `outputs`), then a byte scan of everything stackfleet
 * wrote must find none of them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet, type CliResult } from '../support/cli.js';
import { scanFiles } from '../support/scan-files.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

const stateKey = 'cd'.repeat(32);
const dbPassword = 'pw-7Hq2Zx9k';
const apiToken = 'tok-Abc123Def';
const tfSensitive = 'tfsens-Q8wE4rT';
const pem = ['-----BEGIN TEST KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'bL4kS0mEl1nE2oF3', '-----END TEST KEY-----'].join('\n');
// The value `mid` derives from terraform's sensitive output: stored sealed because it carries it.
const connection = `postgres://app:${tfSensitive}@db.internal/app`;

const manifest = `version: 1
contexts:
  creds:
    attachTo: { labels: [creds] }
    secrets:
      DB_PASSWORD: { fromEnv: PROD_DB_PASSWORD }
      TLS_KEY: { fromFile: secrets/key.pem }
      API_TOKEN: { fromCommand: "printf '%s\\\\n' ${apiToken}" }
    hooks: { afterApply: ['echo "hook sees $DB_PASSWORD and $API_TOKEN"'] }
stacks:
  tf:
    runner: terraform
    path: tf
  mid:
    runner: command
    path: mid
    labels: [creds]
    dependsOn:
      - stack: tf
        outputs: { db_pass: TF_DB_PASS }
    commands:
      apply: |
        echo "mid: pw=$DB_PASSWORD token=$API_TOKEN tf=$TF_DB_PASS"
        echo "$TLS_KEY"
        echo "$TLS_KEY" | sed 's/^/    /'
        printf '{"conn": "postgres://app:%s@db.internal/app", "auth": "Bearer %s", "plain": "visible-value"}' "$TF_DB_PASS" "$API_TOKEN" > "$STACKFLEET_OUTPUTS"
  leaf:
    runner: command
    path: leaf
    dependsOn:
      - stack: mid
        outputs: { conn: CONN, auth: AUTH, plain: PLAIN }
    commands:
      apply: 'echo "leaf: conn=$CONN auth=$AUTH plain=$PLAIN"; echo "{\\"conn\\": \\"$CONN\\"}"'
  broken:
    runner: command
    path: broken
    labels: [creds]
    retries: { attempts: 2, on: ["${dbPassword}"] }
    commands:
      apply: 'echo "cannot log in with $DB_PASSWORD" >&2; exit 3'
`;

const terraform = `variable "pw" {
  default   = "${tfSensitive}"
  sensitive = true
}
resource "terraform_data" "db" {
  input = var.pw
}
output "db_pass" {
  value     = var.pw
  sensitive = true
}
output "endpoint" {
  value = "db.internal"
}
`;

/** Every form a value could be written in: raw, each line, JSON-escaped, base64, percent-encoded. */
function formsOf(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
  for (const line of secret.split('\n')) if (line.trim().length >= 3) forms.push(line, line.trim());
  return [...new Set(forms)];
}

describe('the secrets audit', () => {
  it('finds no secret, in any form, in anything stackfleet printed or wrote', () => {
    const { dir, cleanup } = makeTempDir('stackfleet-audit-');
    cleanups.push(cleanup);
    writeFileSync(join(dir, 'stacks.yaml'), manifest);
    for (const stack of ['tf', 'mid', 'leaf', 'broken', 'secrets']) mkdirSync(join(dir, stack));
    writeFileSync(join(dir, 'tf/main.tf'), terraform);
    writeFileSync(join(dir, 'secrets/key.pem'), `${pem}\n`);
    const env = { STACKFLEET_STATE_KEY: stateKey, PROD_DB_PASSWORD: dbPassword };
    const reports = join(dir, 'reports');
    mkdirSync(reports);

    const apply = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir, env });
    expect(apply.code, apply.stdout + apply.stderr).toBe(1); // `broken` fails on purpose
    const runId = (JSON.parse(apply.stdout.split('\n')[0]!) as { runId: string }).runId;
    const printed: CliResult[] = [
      apply,
      runStackfleet(['apply', '--auto-approve', '--stack', 'leaf'], { cwd: dir, env }),
      runStackfleet(['plan', '--json'], { cwd: dir, env }),
      runStackfleet(['drift', '--report', join(reports, 'drift.md'), '--junit', join(reports, 'drift.xml')], { cwd: dir, env }),
      runStackfleet(['run', '--label', 'creds', '--', 'sh', '-c', 'echo "run sees $DB_PASSWORD $API_TOKEN"; env'], { cwd: dir, env }),
      runStackfleet(['outputs', 'tf'], { cwd: dir, env }),
      runStackfleet(['outputs', 'mid'], { cwd: dir, env }),
      runStackfleet(['outputs', 'mid', '--json'], { cwd: dir, env }),
      runStackfleet(['show', runId], { cwd: dir, env }),
      runStackfleet(['show', runId, '--json'], { cwd: dir, env }),
      runStackfleet(['history', '--json'], { cwd: dir, env }),
    ];
    writeFileSync(join(reports, 'printed.txt'), printed.map((result) => `${result.stdout}\n${result.stderr}`).join('\n'));

    // The paths were taken: the secrets reached the stacks, only masked.
    const applied = apply.stdout + apply.stderr;
    expect(applied).toContain('mid: pw=*** token=*** tf=***');
    expect(applied).toContain('leaf: conn=*** auth=*** plain=visible-value');
    expect(applied).toContain('hook sees *** and ***');
    expect(readFileSync(join(reports, 'printed.txt'), 'utf8')).toContain('run sees *** ***');

    // Outputs carrying a secret or a sensitive value are sealed and shown as ***.
    const midOutputs = printed[6]!.stdout;
    expect(midOutputs).toMatch(/^conn\s+= \*\*\*$/m);
    expect(midOutputs).toMatch(/^auth\s+= \*\*\*$/m);
    expect(midOutputs).toMatch(/^plain\s+= visible-value$/m);
    expect(printed[5]!.stdout).toMatch(/^db_pass\s+= \*\*\*$/m);

    const secrets = [stateKey, dbPassword, apiToken, tfSensitive, pem, connection, `Bearer ${apiToken}`];
    const needles = secrets.flatMap(formsOf);
    expect(scanFiles(join(dir, '.stackfleet'), needles)).toEqual([]);
    expect(scanFiles(reports, needles)).toEqual([]);
  }, 180_000);
});

describe('short secrets', () => {
  it('refuses a secret of 1–2 characters before any stack runs, naming it and where it comes from', () => {
    const { dir, cleanup } = makeTempDir('stackfleet-audit-');
    cleanups.push(cleanup);
    writeFileSync(
      join(dir, 'stacks.yaml'),
      `version: 1
stacks:
  app:
    runner: command
    path: app
    secrets: { PIN: { fromEnv: APP_PIN } }
    commands: { apply: 'echo "pin is $PIN" > ../ran' }
`,
    );
    mkdirSync(join(dir, 'app'));
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir, env: { APP_PIN: '42' } });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      'secret PIN of stack app: the value read from environment variable APP_PIN is 2 characters long; secrets shorter than 3 characters cannot be masked',
    );
    expect(apply.stdout + apply.stderr).not.toContain('pin is');
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});
