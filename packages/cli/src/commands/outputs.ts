import { StackfleetError, didYouMean, formatTable } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { openStore } from '../runtime/open-runtime.js';

export interface OutputsOptions {
  showSensitive?: boolean;
}

/** `stackfleet outputs STACK [--json]`: stored outputs, sensitive values masked. 1 for an unknown stack. */
export async function runOutputsCommand(context: CommandContext, options: OutputsOptions, args: string[]): Promise<number> {
  const name = args[0] ?? '';
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
