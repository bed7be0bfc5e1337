import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../command-table/commands.js';
import { COMPLETE_FILES, completeWords, findManifestFlag } from './complete-words.js';

const names = { stacks: ['app', 'network'], labels: ['core', 'prod'] };

function complete(line: string): string[] {
  let reads = 0;
  const result = completeWords(COMMANDS, line.split(' '), () => {
    reads += 1;
    return names;
  });
  // The manifest is read only when a stack or label is what comes next.
  if (!result.some((word) => names.stacks.includes(word) || names.labels.includes(word))) expect(reads).toBe(0);
  return result;
}

describe('completeWords', () => {
  it('completes command names first, hidden helpers excluded', () => {
    expect(complete('')).toEqual(COMMANDS.map((spec) => spec.name));
    expect(complete('')).not.toContain('__complete');
    expect(complete('-j 4 ')).toContain('plan');
  });

  it("completes a command's own flags and the global flags it honours", () => {
    const plan = complete('plan --');
    expect(plan).toEqual(expect.arrayContaining(['--stack', '--detailed-exitcode', '--concurrency', '--fail-fast', '--help']));
    const list = complete('list --');
    expect(list).toEqual(expect.arrayContaining(['--order', '--file', '--json']));
    expect(list).not.toContain('--fail-fast');
    expect(complete('--')).toEqual(expect.arrayContaining(['--file', '--concurrency', '--version']));
  });

  it('completes stack names, labels, choices and files from the flag before the cursor', () => {
    expect(complete('plan --stack ')).toEqual(['app', 'network']);
    expect(complete('apply --label ')).toEqual(['core', 'prod']);
    expect(complete('graph --format ')).toEqual(['ascii', 'dot', 'mermaid', 'json']);
    expect(complete('-f ')).toEqual([COMPLETE_FILES]);
    expect(complete('plan --lock-timeout ')).toEqual([]);
  });

  it('completes positional arguments by their kind, and nothing past the last one', () => {
    expect(complete('outputs ')).toEqual(['app', 'network']);
    expect(complete('unlock --force ')).toEqual(['app', 'network']);
    expect(complete('outputs app ')).toEqual([]);
    expect(complete('completion ')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('run --stack app -- terraform ')).toEqual([COMPLETE_FILES]);
  });

  it('completes run ids, asking for them only where a run id comes next', () => {
    let reads = 0;
    const runs = (line: string): string[] =>
      completeWords(COMMANDS, line.split(' '), () => names, () => {
        reads += 1;
        return ['r-2', 'r-1'];
      });
    for (const line of ['show ', 'approve ', 'logs ', 'resume ', 'apply --from-plan ', 'apply --auto-approve --from-plan ']) {
      expect(runs(line)).toEqual(['r-2', 'r-1']);
    }
    expect(reads).toBe(6);
    expect(runs('logs r-1 ')).toEqual(['app', 'network']);
    expect(runs('plan --stack ')).toEqual(['app', 'network']);
    expect(runs('show r-1 ')).toEqual([]);
    expect(reads).toBe(6);
  });

  it('finds the manifest given on the line', () => {
    expect(findManifestFlag(['-f', 'infra/stacks.yaml', 'plan', ''])).toBe('infra/stacks.yaml');
    expect(findManifestFlag(['--file=x.yaml', ''])).toBe('x.yaml');
    expect(findManifestFlag(['-f', ''])).toBeUndefined();
  });

  it('walks into groups of commands', () => {
    const load = async () => async () => 0;
    const table = [
      ...COMMANDS.filter((spec) => spec.name !== 'policy'),
      {
        name: 'policy',
        summary: 'policy tools',
        exits: '0',
        globals: [],
        examples: [],
        subcommands: [
          { name: 'test', summary: 'tests', exits: '0', globals: [], examples: [], load },
          { name: 'eval', summary: 'one', exits: '0', globals: ['file' as const], examples: [], options: [{ flags: '--input <file>', description: 'input', complete: 'file' as const }], load },
        ],
      },
    ];
    const run = (line: string) => completeWords(table, line.split(' '), () => names);
    expect(run('policy ')).toEqual(['test', 'eval']);
    expect(run('policy eval --')).toEqual(['--input', '--file', '--help']);
    expect(run('policy eval --input ')).toEqual([COMPLETE_FILES]);
  });
});
