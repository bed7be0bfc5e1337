import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, makeTempDir, runStackfleet, testEnv } from '../support/cli.js';

/** Drives the real completion scripts in real shells against a fleet in a temp dir. */
let dir = '';
let cleanup = () => {};
beforeAll(() => {
  ({ dir, cleanup } = makeTempDir());
  writeFileSync(
    join(dir, 'stacks.yaml'),
    `version: 1
stacks:
  network: { runner: command, path: s/network, labels: [core], commands: { apply: "true" } }
  netdns: { runner: command, path: s/netdns, labels: [core, prod], dependsOn: [network], commands: { apply: "true" } }
  app: { runner: command, path: s/app, labels: [prod], dependsOn: [netdns], commands: { apply: "true" } }
`,
  );
  for (const stack of ['network', 'netdns', 'app']) mkdirSync(join(dir, 's', stack), { recursive: true });
});
afterAll(() => cleanup());

function hasShell(shell: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

/** Runs a shell program in the fleet dir; drivers define a `stackfleet` function that runs the built CLI. */
function runShell(shell: string, args: string[], script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(shell, [...args, script], {
    cwd: dir,
    env: testEnv({ STACKFLEET_NODE: process.execPath, STACKFLEET_BIN: cliBin }),
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeScript(shell: string): string {
  const generated = runStackfleet(['completion', shell], { cwd: dir });
  expect(generated.code).toBe(0);
  const path = join(dir, `completion.${shell}`);
  writeFileSync(path, generated.stdout);
  return path;
}

describe('stackfleet completion bash', () => {
  it('completes subcommands, flags, stack names, labels and files through the completion function', () => {
    const script = writeScript('bash');
    const driver = `
stackfleet() { "$STACKFLEET_NODE" "$STACKFLEET_BIN" "$@"; }
source ${JSON.stringify(script)}
complete -p stackfleet
drive() {
  COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
  _stackfleet_complete
  printf '%s => %s\\n' "$*" "$(printf '%s\\n' "\${COMPREPLY[@]}" | sort | tr '\\n' ' ')"
}
drive stackfleet pl
drive stackfleet d
drive stackfleet plan --fail
drive stackfleet list --j
drive stackfleet plan --stack ''
drive stackfleet apply --stack net
drive stackfleet -j 2 outputs a
drive stackfleet apply --label p
drive stackfleet graph --format m
drive stackfleet completion ''
drive stackfleet -f stac
`;
    const result = runShell('bash', ['--norc', '--noprofile', '-c'], driver);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatchInlineSnapshot(`
      "complete -o default -F _stackfleet_complete stackfleet
      stackfleet pl => plan 
      stackfleet d => destroy drift 
      stackfleet plan --fail => --fail-fast 
      stackfleet list --j => --json 
      stackfleet plan --stack  => app netdns network 
      stackfleet apply --stack net => netdns network 
      stackfleet -j 2 outputs a => app 
      stackfleet apply --label p => prod 
      stackfleet graph --format m => mermaid 
      stackfleet completion  => bash fish zsh 
      stackfleet -f stac => stacks.yaml 
      "
    `);
  });
});

describe('stackfleet __complete: run ids', () => {
  it('offers the recent run ids from the store after show, approve, logs, resume and --from-plan, not file names', () => {
    // No state yet: nothing to offer, and no state database created by a Tab.
    expect(runStackfleet(['__complete', 'show', ''], { cwd: dir }).stdout).toBe('');
    expect(existsSync(join(dir, '.stackfleet', 'state.db'))).toBe(false);

    const ids = [1, 2].map(() => {
      const applied = runStackfleet(['apply', '--auto-approve', '--json', '--stack', 'network'], { cwd: dir });
      expect(applied.code, applied.stderr).toBe(0);
      return (JSON.parse(applied.stdout.split('\n')[0]!) as { runId: string }).runId;
    });
    const newestFirst = `${[...ids].reverse().join('\n')}\n`;
    for (const words of [['show', ''], ['approve', ''], ['logs', ''], ['resume', ''], ['apply', '--from-plan', ''], ['-j', '2', 'apply', '--from-plan', '']]) {
      const completed = runStackfleet(['__complete', ...words], { cwd: dir });
      expect(completed.code).toBe(0);
      expect(completed.stdout, words.join(' ')).toBe(newestFirst);
    }
    // After the run id, `logs` still completes stacks; stacks still complete without the store.
    expect(runStackfleet(['__complete', 'logs', ids[0]!, 'net'], { cwd: dir }).stdout).toBe('app\nnetdns\nnetwork\n');
  });
});

describe('stack names kept between Tabs', () => {
  it('are read from the cache while the manifest is unchanged, and again once it changes', () => {
    const { dir: fleetDir, cleanup: removeFleet } = makeTempDir();
    try {
      writeFileSync(join(fleetDir, 'stacks.yaml'), 'version: 1\nstacks:\n  app: { runner: command, path: ., labels: [prod], commands: { apply: "true" } }\n');
      const env = { XDG_CACHE_HOME: join(fleetDir, 'cache') };
      const complete = (words: string[]) => runStackfleet(['__complete', ...words], { cwd: fleetDir, env });
      expect(complete(['outputs', '']).stdout).toBe('app\n');
      const cacheDir = join(fleetDir, 'cache', 'stackfleet', 'completion');
      const [file] = readdirSync(cacheDir);
      expect(file).toMatch(/^[0-9a-f]{16}\.json$/);
      // The cache answers: names planted under the same key are what the next Tab offers.
      const kept = JSON.parse(readFileSync(join(cacheDir, file!), 'utf8')) as { key: string };
      writeFileSync(join(cacheDir, file!), JSON.stringify({ key: kept.key, stacks: ['planted'], labels: ['planted-label'] }));
      expect(complete(['outputs', '']).stdout).toBe('planted\n');
      expect(complete(['plan', '--label', '']).stdout).toBe('planted-label\n');
      // A changed manifest is read again; a damaged cache file too.
      appendFileSync(join(fleetDir, 'stacks.yaml'), '  web: { runner: command, path: ., commands: { apply: "true" } }\n');
      expect(complete(['outputs', '']).stdout).toBe('app\nweb\n');
      writeFileSync(join(cacheDir, file!), 'not json');
      expect(complete(['plan', '--label', '']).stdout).toBe('prod\n');
    } finally {
      removeFleet();
    }
  });
});

describe('a reader that is gone before anything is written', () => {
  // Completion and `list` print with a synchronous write, not through
  // process.stdout (src/io.ts writeAllSync): EPIPE must still end them quietly.
  it('ends completion and list quietly with exit 0', async () => {
    for (const args of [['completion', 'bash'], ['__complete', 'outputs', ''], ['__complete', 'show', ''], ['list']]) {
      const child = spawn(process.execPath, [cliBin, ...args], { cwd: dir, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      // Closed long before the CLI's first write (Node alone takes ~100 ms to start).
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });
});

describe.skipIf(!hasShell('zsh'))(`stackfleet completion zsh${hasShell('zsh') ? '' : ' (skipped: zsh is not installed)'}`, () => {
  it('parses, and its function offers stack names', () => {
    const script = writeScript('zsh');
    expect(runShell('zsh', ['-n'], script)).toMatchObject({ status: 0, stderr: '' });
    // compadd and compdef exist only inside compsys; stand-ins print what would be offered.
    const driver = `
stackfleet() { "$STACKFLEET_NODE" "$STACKFLEET_BIN" "$@"; }
compdef() { :; }
compadd() { shift; print -l -- "\${(@P)1}"; }
source ${JSON.stringify(script)}
words=(stackfleet plan --stack ''); CURRENT=4
_stackfleet
`;
    expect(runShell('zsh', ['-f', '-c'], driver)).toMatchObject({ stdout: 'app\nnetdns\nnetwork\n', stderr: '' });
  });
});

describe.skipIf(!hasShell('fish'))(`stackfleet completion fish${hasShell('fish') ? '' : ' (skipped: fish is not installed)'}`, () => {
  it('parses, and fish completes subcommands and stack names with it', () => {
    const script = writeScript('fish');
    expect(runShell('fish', ['--no-execute'], script)).toMatchObject({ status: 0, stderr: '' });
    const driver = `
function stackfleet; $STACKFLEET_NODE $STACKFLEET_BIN $argv; end
source ${JSON.stringify(script)}
complete -C 'stackfleet dr'
complete -C 'stackfleet outputs net'
`;
    expect(runShell('fish', ['--no-config', '-c'], driver)).toMatchObject({ stdout: 'drift\nnetdns\nnetwork\n', stderr: '' });
  });
});
