import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { buildProgram } from './build-program.js';
import type { CommandSpec } from './command-spec.js';
import { COMMANDS } from './commands.js';
import { parseDurationFlag } from './flag-parsers.js';
import { RUN_GLOBALS } from './global-options.js';

function makeIo(): { io: CliIo; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // cwd has no stacks.yaml: a flag error must come before the manifest is looked for.
  const io: CliIo = { stdout: out, stderr: err, stdin: new PassThrough(), env: {}, cwd: '/nonexistent-stackfleet-dir' };
  return { io, stdout: () => stdout, stderr: () => stderr };
}

async function run(argv: string[]) {
  const { io, stdout, stderr } = makeIo();
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('the program built from the command table', () => {
  it("shows in each command's --help the global flags it honours, and only those", async () => {
    const plan = await run(['plan', '--help']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/Global Options:[\s\S]*-j, --concurrency <n>[\s\S]*--fail-fast[\s\S]*Examples:\n {2}\$ stackfleet plan\n/);
    const list = await run(['list', '--help']);
    expect(list.stdout).toMatch(/Global Options:\n {2}-f, --file <path>[\s\S]*--json/);
    expect(list.stdout).not.toContain('--fail-fast');
    expect(list.stdout).not.toContain('--concurrency');
  });

  it("ends a group's --help with its subcommands' examples, and no --help with an empty Examples section", async () => {
    const policy = await run(['policy', '--help']);
    expect(policy.stdout).toMatch(/\nExamples:\n {2}\$ stackfleet policy test\n[\s\S]* {2}\$ stackfleet policy eval policies\/blast-radius\.policy\.yaml --input input\.json\n/);
    for (const spec of COMMANDS) {
      for (const argv of [[spec.name], ...(spec.subcommands ?? []).map((child) => [spec.name, child.name])]) {
        const help = (await run([...argv, '--help'])).stdout;
        expect({ argv, examples: /\nExamples:\n {2}\$ stackfleet /.test(help) }).toEqual({ argv, examples: true });
      }
    }
  });

  it('gives each command the same help and errors whether commander knows only it (runCli) or every command', async () => {
    const lines = (spec: CommandSpec) => [
      [spec.name, '--help'],
      ...(spec.subcommands ?? []).map((child) => [spec.name, child.name, '--help']),
      [spec.name, '--no-such-flag'],
    ];
    for (const spec of COMMANDS) {
      for (const argv of lines(spec)) {
        const full = makeIo();
        // commander throws for help and errors alike (exitOverride); the text is what matters here.
        await buildProgram(full.io, () => {})
          .parseAsync(argv, { from: 'user' })
          .catch(() => undefined);
        const named = await run(argv);
        expect({ argv, stdout: named.stdout, stderr: named.stderr }).toEqual({ argv, stdout: full.stdout(), stderr: full.stderr() });
      }
    }
  });

  it('rejects a bad flag value at the flag, quoting it, before reading the manifest', async () => {
    expect(await run(['apply', '--auto-approve', '-j', '0'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: --concurrency expects a whole number from 1 and up, got `0`\n  hint: pass -j 4, for example\n',
    });
    expect((await run(['apply', '--lock-timeout', '90'])).stderr).toContain('--lock-timeout expects a duration like 30s, 5m or 1h30m, got `90`');
    expect((await run(['graph', '--format', 'png'])).stderr).toBe('error: --format expects one of ascii, dot, mermaid, json, got `png`\n');
    expect((await run(['history', '--limit', 'ten'])).stderr).toContain('--limit expects a whole number from 1 and up, got `ten`');
    expect((await run(['list'])).stderr).toContain('no stacks.yaml in /nonexistent-stackfleet-dir');
  });

  it('hands the handler real values and loads it only when the command runs: adding a command is one entry', async () => {
    let loaded = 0;
    let received: unknown;
    const probe: CommandSpec = {
      name: 'probe',
      summary: 'a test command',
      exits: '0',
      arguments: [{ syntax: '[stack]', description: 'stack name' }],
      options: [{ flags: '--wait <duration>', description: 'how long', parse: parseDurationFlag('--wait') }],
      globals: RUN_GLOBALS,
      examples: ['stackfleet probe --wait 5m'],
      load: async () => {
        loaded += 1;
        return async (context, options: unknown, args) => {
          received = { options, args, concurrency: context.global.concurrency };
          return 7;
        };
      },
    };
    const { io, stdout } = makeIo();
    let exitCode = -1;
    const program = buildProgram(io, (code) => (exitCode = code), [...COMMANDS, probe]);
    await program.parseAsync(['probe', '--help'], { from: 'user' }).catch(() => undefined);
    expect(loaded).toBe(0);
    expect(stdout()).toContain('$ stackfleet probe --wait 5m');
    await buildProgram(io, (code) => (exitCode = code), [...COMMANDS, probe]).parseAsync(['probe', 'app', '--wait', '1m30s', '-j', '3'], { from: 'user' });
    expect(loaded).toBe(1);
    expect(exitCode).toBe(7);
    expect(received).toEqual({ options: { wait: 90_000 }, args: ['app'], concurrency: 3 });
  });

  it('builds groups of commands (`policy test`) from nested entries', async () => {
    let received: unknown;
    const group: CommandSpec = {
      name: 'policy',
      summary: 'policy tools',
      exits: '0 / 1',
      globals: [],
      examples: ['stackfleet policy test'],
      subcommands: [
        {
          name: 'test',
          summary: 'run policy tests',
          exits: '0 pass, 1 fail',
          arguments: [{ syntax: '[path...]', description: 'test files' }],
          globals: ['file', 'json'],
          examples: ['stackfleet policy test policies/'],
          load: async () => async (context, _options: unknown, args) => {
            received = { args, json: context.global.json };
            return 1;
          },
        },
      ],
    };
    const { io, stdout } = makeIo();
    let exitCode = -1;
    await buildProgram(io, (code) => (exitCode = code), [...COMMANDS.filter((spec) => spec.name !== 'policy'), group]).parseAsync(['policy', 'test', 'a.yaml', '--json'], { from: 'user' });
    expect({ exitCode, received }).toEqual({ exitCode: 1, received: { args: ['a.yaml'], json: true } });
    await buildProgram(io, () => undefined, [...COMMANDS.filter((spec) => spec.name !== 'policy'), group]).parseAsync(['policy', 'test', '--help'], { from: 'user' }).catch(() => undefined);
    expect(stdout()).toMatch(/Usage: stackfleet policy test \[options\] \[path\.\.\.\][\s\S]*Global Options:\n {2}-f, --file <path>[\s\S]*--json/);
    expect(stdout()).not.toContain('--concurrency');
  });
});
