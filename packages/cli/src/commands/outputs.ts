import { StackfleetError, didYouMean, formatTable } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { openStore } from '../runtime/open-runtime.js';

export interface OutputsOptions {
  showSensitive?: boolean;
}

/**
 * `stackfleet outputs STACK [KEY] [--json]`: stored outputs, sensitive values
 * masked; with KEY, that one value raw (for `$(stackfleet outputs net vpc_id)`).
 * 1 for an unknown stack.
 */
export async function runOutputsCommand(context: CommandContext, options: OutputsOptions, args: string[]): Promise<number> {
  const name = args[0] ?? '';
  const key = args[1];
  const fleet = context.readFleet();
  if (!fleet.loaded.manifest.stacks[name]) {
    throw new StackfleetError('E_UNKNOWN_STACK', `unknown stack "${name}"${didYouMean(name, Object.keys(fleet.loaded.manifest.stacks))}`, {
      hint: 'see `stackfleet list`',
    });
  }
  const reveal = Boolean(options.showSensitive);
  if (reveal && !(context.io.stdout.isTTY && context.io.stdin.isTTY)) {
    throw new StackfleetError('E_USAGE', '--show-sensitive only works in an interactive terminal', {
      hint: 'sensitive values are never printed to pipes or CI logs',
    });
  }
  const store = openStore(fleet, context.io.env);
  try {
    const stored = await store.getOutputs(name);
    const outputs = stored?.outputs ?? {};
    if (key !== undefined) return printOneOutput(context, { name, key, outputs, reveal, stored: stored !== undefined });
    const shown = Object.fromEntries(
      Object.keys(outputs)
        .sort()
        .map((key) => {
          const output = outputs[key]!;
          return [key, output.sensitive && !reveal ? '***' : output.value];
        }),
    );
    if (context.global.json) {
      writeLine(context.io.stdout, JSON.stringify(shown));
      return 0;
    }
    if (!stored) {
      writeLine(context.io.stderr, `${name} has no stored outputs yet (apply it first)`);
      return 0;
    }
    const rows = Object.entries(shown).map(([key, value]) => [key, '=', typeof value === 'string' ? value : JSON.stringify(value)]);
    context.io.stdout.write(formatTable({ rows, gap: ' ' }));
    return 0;
  } finally {
    await store.close();
  }
}

interface OneOutput {
  name: string;
  key: string;
  outputs: Record<string, { value: unknown; sensitive?: boolean }>;
  reveal: boolean;
  stored: boolean;
}

/** One value, raw: a string as is, anything else as JSON. A sensitive value needs --show-sensitive. */
function printOneOutput(context: CommandContext, one: OneOutput): number {
  const output = one.outputs[one.key];
  if (!output) {
    const known = Object.keys(one.outputs).sort();
    throw new StackfleetError(
      'E_UNKNOWN_OUTPUT',
      one.stored ? `stack "${one.name}" has no output "${one.key}"${didYouMean(one.key, known)}` : `stack "${one.name}" has no stored outputs yet`,
      { hint: one.stored ? `its outputs: ${known.join(', ') || '(none)'}` : `apply it first: stackfleet apply --stack ${one.name}` },
    );
  }
  if (output.sensitive && !one.reveal) {
    throw new StackfleetError('E_SENSITIVE_OUTPUT', `output "${one.key}" of stack "${one.name}" is sensitive and is not printed`, {
      hint: 'pass --show-sensitive in an interactive terminal',
    });
  }
  writeLine(context.io.stdout, typeof output.value === 'string' ? output.value : JSON.stringify(output.value));
  return 0;
}
