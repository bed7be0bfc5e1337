import { listCommands, type CommandSpec, type OptionSpec } from '../command-table/command-spec.js';
import { COMMANDS } from '../command-table/commands.js';
import { GLOBAL_OPTIONS } from '../command-table/global-options.js';
import { RUN_SELECTION_OPTIONS, SELECTION_OPTIONS } from '../command-table/selection-options.js';

export const BEGIN_MARKER = '<!-- BEGIN GENERATED from packages/cli/src/command-table: edit there, then `npm run build && npm run docs` -->';
export const END_MARKER = '<!-- END GENERATED -->';

/** docs/cli.md's command and flag reference, from the command table. */
export function renderCliReference(table: readonly CommandSpec[] = COMMANDS): string {
  const commands = listCommands(table);
  const lines: string[] = ['## Commands', '', '| command | does | exit codes |', '|---|---|---|'];
  for (const { path, spec } of commands) lines.push(`| \`${formatUsage(path, spec)}\` | ${escapeCell(spec.summary)} | ${escapeCell(spec.exits)} |`);
  lines.push('', '## Selectors (`sel`)', '', ...renderOptionTable(SELECTION_OPTIONS));
  lines.push('', 'Commands that run stacks also take:', '', ...renderOptionTable(RUN_SELECTION_OPTIONS.slice(SELECTION_OPTIONS.length)));
  lines.push('', '## Common flags', '', 'Accepted anywhere on the line; each command lists those it honours.', '');
  lines.push('| flag | meaning | honoured by |', '|---|---|---|');
  for (const option of GLOBAL_OPTIONS) {
    const users = commands.filter(({ spec }) => spec.globals.includes(option.key)).map(({ path }) => path);
    lines.push(`| \`${option.flags}\` | ${escapeCell(option.description)} | ${users.length === commands.length ? 'every command' : users.join(', ')} |`);
  }
  lines.push('', '## Command reference');
  for (const { path, spec } of commands) lines.push('', ...renderCommand(path, spec));
  return `${lines.join('\n')}\n`;
}

/** Replaces what lies between the markers; everything outside them is hand-written and kept. */
export function replaceGeneratedSection(document: string, generated: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin === -1 || end < begin) throw new Error(`docs/cli.md needs the markers ${BEGIN_MARKER} and ${END_MARKER}`);
  return `${document.slice(0, begin + BEGIN_MARKER.length)}\n\n${generated}\n${document.slice(end)}`;
}

function renderCommand(path: string, spec: CommandSpec): string[] {
  const own = (spec.options ?? []).filter((option) => !RUN_SELECTION_OPTIONS.includes(option));
  const lines = [`### \`stackfleet ${formatUsage(path, spec)}\``, '', `${capitalize(spec.summary)}. Exit codes: ${spec.exits}.`];
  for (const argument of spec.arguments ?? []) lines.push('', `- \`${argument.syntax}\`: ${argument.description}${formatChoices(argument.choices)}`);
  if (own.length > 0) lines.push('', ...renderOptionTable(own));
  const globals = GLOBAL_OPTIONS.filter((option) => spec.globals.includes(option.key)).map((option) => `\`${longFlag(option)}\``);
  lines.push('', `Global flags: ${globals.length > 0 ? globals.join(', ') : 'none'}.`);
  lines.push('', '```sh', ...spec.examples, '```');
  return lines;
}

function renderOptionTable(options: readonly OptionSpec[]): string[] {
  return ['| flag | meaning |', '|---|---|', ...options.map((option) => `| \`${option.flags}\` | ${escapeCell(option.description + formatChoices(option.choices))} |`)];
}

/** `plan [sel]`, `outputs <stack>`, `run [sel] [command...]`. */
function formatUsage(path: string, spec: CommandSpec): string {
  const selects = (spec.options ?? []).includes(SELECTION_OPTIONS[0]!);
  return [path, ...(selects ? ['[sel]'] : []), ...(spec.arguments ?? []).map((argument) => argument.syntax)].join(' ');
}

function formatChoices(choices: readonly string[] | undefined): string {
  return choices ? ` (one of: ${choices.join(', ')})` : '';
}

function longFlag(option: OptionSpec): string {
  return option.flags.split(/[ ,]+/).find((part) => part.startsWith('--')) ?? option.flags;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}
