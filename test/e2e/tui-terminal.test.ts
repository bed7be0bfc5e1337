import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cliBin, makeTempDir, startStackfleet } from '../support/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const session = `sf-e2e-${process.pid}`;

function tmuxOn(server: string, ...args: string[]): string {
  const result = spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
  return result.stdout;
}
const tmux = (...args: string[]) => tmuxOn(session, ...args);

/**
 * A new tmux server running `script` in a `columns`x`rows` terminal. One server per start: a server
 * stopped with kill-server can still be exiting when the next new-session on its socket connects to it.
 */
function startTerminal(server: string, columns: number, rows: number, script: string): void {
  const result = spawnSync('tmux', ['-L', server, 'new-session', '-d', '-s', server, '-x', String(columns), '-y', String(rows), script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux new-session failed: ${result.stderr}`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the screen often: every wait here is for the CLI to draw, and a slow poll only adds to each step. */
async function waitFor(predicate: (text: string) => boolean, what: string, timeoutMs = 20_000, server = session): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = tmuxOn(server, 'capture-pane', '-p', '-t', server);
    if (predicate(text)) return text;
    await pause(25);
  }
  throw new Error(`timed out waiting for ${what}; screen was:\n${text}`);
}

/** The shell writes `stty -a` right after the CLI exits; wait for the file rather than a fixed time. */
async function readSttyWhenWritten(path: string): Promise<string> {
  for (let i = 0; i < 200 && !existsSync(path); i += 1) await pause(25);
  return readFileSync(path, 'utf8');
}

/** The real CLI in a real terminal (tmux, 80x24), driven by keys like a person would. */
describe.skipIf(!hasTmux).concurrent('the terminal UI in tmux', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    const stacks: Record<string, string[]> = { network: [], database: ['network'], dns: ['network'], app: ['database', 'dns'], smoke: ['app'] };
    const lines = ['version: 1', 'settings: { concurrency: 2 }', 'stacks:'];
    for (const [name, deps] of Object.entries(stacks)) {
      mkdirSync(join(dir, name));
      lines.push(`  ${name}:`, '    runner: command', `    path: ${name}`, `    labels: [${name === 'smoke' ? 'checks' : 'infra'}]`);
      if (deps.length > 0) lines.push(`    dependsOn: [${deps.join(', ')}]`);
      lines.push(`    commands: { plan: "exit 2", apply: "echo applied ${name}" }`);
    }
    writeFileSync(join(dir, 'stacks.yaml'), `${lines.join('\n')}\n`);
    const env = `env -u CI NO_COLOR=1 TERM=xterm-256color`;
    const script = `cd ${dir} && ${env} ${process.execPath} ${cliBin}; echo "EXIT=$?"; stty -a > ${join(dir, 'stty.txt')}; sleep 60`;
    startTerminal(session, 80, 24, script);
  });
  afterAll(() => {
    tmux('kill-server');
    cleanup();
  });

  it('shows the fleet, filters, selects, plans, confirms, applies, and exits with the terminal restored', async ({ expect }) => {
    const fleet = await waitFor((text) => text.includes('5/5 stacks'), 'the fleet view');
    for (const name of ['network', 'database', 'dns', 'app', 'smoke']) expect(fleet).toContain(name);

    // Filter as you type: only stacks matching "da".
    tmux('send-keys', '-t', session, '/', 'd', 'a');
    const filtered = await waitFor((text) => text.includes('1/5 stacks'), 'the filtered list');
    expect(filtered).toContain('database');
    expect(filtered).not.toMatch(/\bnetwork\b|\bsmoke\b/);
    tmux('send-keys', '-t', session, 'Enter');
    // Select database, add its dependents (app, smoke), then apply.
    tmux('send-keys', '-t', session, 'Space');
    await waitFor((text) => text.includes('1 selected'), 'one selected');
    tmux('send-keys', '-t', session, 'a');
    await waitFor((text) => text.includes('3 selected'), 'dependents added');
    tmux('send-keys', '-t', session, 'A');
    const confirm = await waitFor((text) => /y apply/.test(text) && /plan finished/.test(text), 'the confirmation screen');
    expect(confirm).toMatch(/Apply 3 stacks/);
    tmux('send-keys', '-t', session, 'y');
    const done = await waitFor((text) => /run succeeded/.test(text), 'the finished run', 30_000);
    expect(done).toMatch(/database\s+succeeded/);
    expect(done).toMatch(/app\s+succeeded/);
    expect(done).toMatch(/smoke\s+succeeded/);
    tmux('send-keys', '-t', session, 'q');
    await waitFor((text) => text.includes('5/5 stacks') || text.includes('stacks ·'), 'back to the fleet');
    tmux('send-keys', '-t', session, 'q');
    await waitFor((text) => text.includes('EXIT=0'), 'the exit code');
    const stty = await readSttyWhenWritten(join(dir, 'stty.txt'));
    // Cooked mode is back: echo and canonical input on.
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
  });
});

/** `apply` without --auto-approve in a terminal: the live plan (saved), its final table, a question, then those saved plans applied. */
describe.skipIf(!hasTmux).concurrent('apply asks for approval in a terminal', () => {
  let dir: string;
  let cleanup: () => void;
  const server = `${session}-approve`;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    mkdirSync(join(dir, 'one'));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      'version: 1\nstacks:\n  one: { runner: command, path: one, commands: { plan: "echo planned >> ../plans.txt; exit 2", apply: "touch applied" } }\n',
    );
  });
  afterAll(() => {
    for (const name of ['no', 'yes']) tmuxOn(`${server}-${name}`, 'kill-server');
    cleanup();
  });

  const start = (name: string): string => {
    startTerminal(`${server}-${name}`, 80, 24, `cd ${dir} && env -u CI NO_COLOR=1 ${process.execPath} ${cliBin} apply; echo "EXIT-${name}=$?"; sleep 60`);
    return `${server}-${name}`;
  };

  it('applies after "y" and cancels with exit 1 on anything else', async ({ expect }) => {
    const no = start('no');
    await waitFor((text) => /Only "yes" or "y" is accepted/.test(text), 'the question', 20_000, no);
    tmuxOn(no, 'send-keys', '-t', no, 'n', 'Enter');
    const cancelled = await waitFor((text) => /EXIT-no=/.test(text), 'the exit', 20_000, no);
    expect(cancelled).toMatch(/Saved plan: run \S+/);
    expect(cancelled).toMatch(/one\s+changes/);
    expect(cancelled).toContain('Apply cancelled.');
    expect(cancelled).toContain('EXIT-no=1');
    expect(existsSync(join(dir, 'one/applied'))).toBe(false);
    tmuxOn(no, 'kill-server');

    const yes = start('yes');
    await waitFor((text) => /Only "yes" or "y" is accepted/.test(text), 'the question', 20_000, yes);
    tmuxOn(yes, 'send-keys', '-t', yes, 'y', 'Enter');
    const applied = await waitFor((text) => /EXIT-yes=/.test(text), 'the exit', 20_000, yes);
    expect(applied).toContain('EXIT-yes=0');
    expect(existsSync(join(dir, 'one/applied'))).toBe(true);
    // One plan per attempt: the approved apply applied the saved plan, it did not plan again.
    expect(readFileSync(join(dir, 'plans.txt'), 'utf8')).toBe('planned\nplanned\n');
  });
});

/** An approved apply whose downstream plan changes once its upstream applied: both summaries, a second question. */
describe.skipIf(!hasTmux).concurrent('apply asks again in a terminal when a plan changed after its upstream applied', () => {
  let dir: string;
  let cleanup: () => void;
  const server = `${session}-replan`;
  beforeAll(async () => {
    ({ dir, cleanup } = makeTempDir());
    mkdirSync(join(dir, 'net'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'version'), 'v1');
    writeFileSync(
      join(dir, 'stacks.yaml'),
      [
        'version: 1',
        'stacks:',
        '  net: { runner: command, path: net, commands: { plan: "exit 2", apply: "printf \'{\\"id\\":\\"%s\\"}\' $(cat ../version) > $STACKFLEET_OUTPUTS" } }',
        '  app:',
        '    runner: command',
        '    path: app',
        '    dependsOn: [{ stack: net, outputs: { id: NET_ID } }]',
        '    commands: { plan: "test -e ../app-seen-$NET_ID && exit 0; exit 2", apply: "touch ../app-seen-$NET_ID" }',
        '',
      ].join('\n'),
    );
    // Not spawnSync: the other describes of this file run meanwhile and poll their screens.
    const first = await startStackfleet(['apply', '--auto-approve'], { cwd: dir }).done;
    if (first.code !== 0) throw new Error(`first apply failed: ${first.stderr}`);
  });
  afterAll(() => {
    tmuxOn(server, 'kill-server');
    cleanup();
  });

  it('shows the reviewed and the new plan, and applies the new one only after "y"', async ({ expect }) => {
    writeFileSync(join(dir, 'version'), 'v2');
    startTerminal(server, 100, 30, `cd ${dir} && env -u CI NO_COLOR=1 ${process.execPath} ${cliBin} apply; echo "EXIT=$?"; sleep 60`);
    const table = await waitFor((text) => /Only "yes" or "y" is accepted/.test(text), 'the first question', 20_000, server);
    expect(table).toMatch(/app\s+no changes/);
    tmuxOn(server, 'send-keys', '-t', server, 'y', 'Enter');
    const second = await waitFor((text) => /Apply the new plan\(s\) of app/.test(text), 'the second question', 30_000, server);
    expect(second).toContain('app: reviewed no changes, now changes');
    expect(existsSync(join(dir, 'app-seen-v2'))).toBe(false);
    tmuxOn(server, 'send-keys', '-t', server, 'y', 'Enter');
    const done = await waitFor((text) => /EXIT=/.test(text), 'the exit', 30_000, server);
    expect(done).toContain('EXIT=0');
    expect(existsSync(join(dir, 'app-seen-v2'))).toBe(true);
  });
});

/** Ctrl-C after the approval (issue #12 item 2): SPEC §5 in a real terminal, with the approved plan on screen. */
describe.skipIf(!hasTmux).concurrent('Ctrl-C after an interactive approval', () => {
  let dir: string;
  let cleanup: () => void;
  const server = `${session}-interrupt`;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    for (const name of ['slow', 'after']) mkdirSync(join(dir, name));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      [
        'version: 1',
        'stacks:',
        // Ignores the first Ctrl-C, so the second one (SPEC §5: kill) is what ends it.
        `  slow: { runner: command, path: slow, commands: { plan: "exit 2", apply: "trap '' INT; echo begin; sleep 20; touch applied" } }`,
        '  after: { runner: command, path: after, dependsOn: [slow], commands: { plan: "exit 2", apply: "touch applied" } }',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => {
    tmuxOn(server, 'kill-server');
    cleanup();
  });

  it('shows the finished plan before asking, then Ctrl-C waits and a second kills: interrupted, resumable, terminal restored', async ({ expect }) => {
    const script = `cd ${dir} && env -u CI NO_COLOR=1 TERM=xterm-256color ${process.execPath} ${cliBin} apply; echo "EXIT=$?"; stty -a > ${join(dir, 'stty.txt')}; sleep 60`;
    startTerminal(server, 80, 24, script);
    const question = await waitFor((text) => /Only "yes" or "y" is accepted/.test(text), 'the question', 20_000, server);
    // The plan's final frame, not an empty live view: both stacks, their status, the summary.
    expect(question).toMatch(/~ slow\s+changed/);
    expect(question).toMatch(/~ after\s+changed/);
    expect(question).toContain('plan 2/2');
    expect(question).toMatch(/run succeeded in \S+ · 2 changed/);
    expect(question).not.toContain('0/0');
    expect(question).toContain('Apply 2 stack(s) with changes?');

    tmuxOn(server, 'send-keys', '-t', server, 'y', 'Enter');
    await waitFor((text) => text.includes('│ begin'), 'the apply running', 20_000, server);
    tmuxOn(server, 'send-keys', '-t', server, 'C-c');
    // First press: start nothing new, forward SIGINT, wait for the running stack.
    await waitFor((text) => text.includes('stopping… waiting for 1 stack (slow) · ctrl-c again to kill'), 'the first stop', 20_000, server);
    tmuxOn(server, 'send-keys', '-t', server, 'C-c');
    // Second press: kill it.
    const stopped = await waitFor((text) => /EXIT=/.test(text), 'the exit', 20_000, server);
    const history = JSON.parse((await startStackfleet(['history', '--json', '--limit', '1'], { cwd: dir }).done).stdout) as {
      id: string;
      status: string;
      stackRuns: { stack: string; state: string }[];
    };
    expect(history.status).toBe('interrupted');
    expect(history.stackRuns.map((row) => `${row.stack}:${row.state}`).sort()).toEqual(['after:skipped', 'slow:interrupted']);
    expect(stopped).toMatch(/! slow\s+interrupted/);
    expect(stopped).toMatch(/run interrupted in \S+ · 1 skipped · 1 interrupted/);
    expect(stopped).toContain(`\`stackfleet resume ${history.id}\` continues it`);
    expect(stopped).toContain('EXIT=1');
    expect(existsSync(join(dir, 'slow/applied'))).toBe(false);
    const stty = await readSttyWhenWritten(join(dir, 'stty.txt'));
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
  }, 60_000);
});

/** Ctrl-C or Ctrl-D at the approval question is a "no": cancelled, exit 1, plans kept, no internal error. */
describe.skipIf(!hasTmux).concurrent('Ctrl-C or Ctrl-D at the approval question', () => {
  let dir: string;
  let cleanup: () => void;
  const server = `${session}-abort`;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    mkdirSync(join(dir, 'one'));
    writeFileSync(join(dir, 'stacks.yaml'), 'version: 1\nstacks:\n  one: { runner: command, path: one, commands: { plan: "exit 2", apply: "touch applied" } }\n');
  });
  afterAll(() => {
    for (const name of ['ctrlc', 'ctrld']) tmuxOn(`${server}-${name}`, 'kill-server');
    cleanup();
  });
  const ask = async (name: string, args: string, key: string): Promise<string> => {
    const terminal = `${server}-${name}`;
    startTerminal(terminal, 200, 24, `cd ${dir} && env -u CI NO_COLOR=1 ${process.execPath} ${cliBin} ${args}; echo "EXIT-${name}=$?"; sleep 60`);
    await waitFor((text) => /Only "yes" or "y" is accepted/.test(text), 'the question', 20_000, terminal);
    tmuxOn(terminal, 'send-keys', '-t', terminal, key);
    const screen = await waitFor((text) => new RegExp(`EXIT-${name}=`).test(text), 'the exit', 20_000, terminal);
    tmuxOn(terminal, 'kill-server');
    return screen;
  };

  it('cancels the apply like "n"', async ({ expect }) => {
    const interrupted = await ask('ctrlc', 'apply', 'C-c');
    expect(interrupted).not.toContain('internal error');
    expect(interrupted).toContain('EXIT-ctrlc=1');
    const run = /Apply cancelled\. The plans stay saved: stackfleet apply --from-plan (\S+)/.exec(interrupted)?.[1];
    expect(run, interrupted).toBeDefined();

    const ended = await ask('ctrld', `apply --from-plan ${run}`, 'C-d');
    expect(ended).not.toContain('internal error');
    expect(ended).toContain('Apply cancelled.');
    expect(ended).toContain('EXIT-ctrld=1');
    expect(existsSync(join(dir, 'one/applied'))).toBe(false);
  }, 60_000);
});
