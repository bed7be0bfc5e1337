import { readFileSync } from 'node:fs';
import { StackfleetError, type Outputs } from '@stackfleet/core';

/**
 * No file means no outputs; anything but one JSON object is the stack's bug, so say which file.
 * Read with one synchronous call: after every apply, and mostly a few bytes (four thread-pool
 * round trips of `readFile` cost the main thread more; issue #17).
 */
export async function readOutputsFile(stack: string, file: string): Promise<Outputs> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if (text.trim() === '') return {};
  return parseOutputsJson(stack, file, text);
}

/** Parses the `STACKFLEET_OUTPUTS` file: one JSON object, every value non-sensitive. */
export function parseOutputsJson(stack: string, file: string, text: string): Outputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidOutputs(stack, file, `is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidOutputs(stack, file, `must hold one JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed === 'object' ? 'null' : typeof parsed}`);
  }
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([name, value]) => [name, { value, sensitive: false }]));
}

function invalidOutputs(stack: string, file: string, what: string): StackfleetError {
  return new StackfleetError('E_OUTPUTS_INVALID', `stack "${stack}": outputs file "${file}" ${what}`, {
    hint: 'write one JSON object to "$STACKFLEET_OUTPUTS", e.g. echo \'{"url": "https://..."}\' > "$STACKFLEET_OUTPUTS"',
  });
}
