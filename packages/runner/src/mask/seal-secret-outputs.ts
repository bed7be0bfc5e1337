import type { Outputs } from '@stackfleet/core';
import type { Masker } from './masker.js';

/**
 * The outputs with every one whose value carries a secret or a sensitive
 * value the run knows marked `sensitive`, so the store seals it and
 * `outputs` shows `***`. This is how sensitivity travels through command
 * stacks, which cannot mark an output sensitive themselves: a terraform
 * sensitive output read by `mid` and written to its outputs file comes back
 * sensitive, and so masked for `leaf` and every later run. Returns a copy.
 */
export function sealSecretOutputs(outputs: Outputs, masker: Masker): Outputs {
  const sealed: Outputs = {};
  for (const [name, output] of Object.entries(outputs)) {
    sealed[name] = output.sensitive || !carriesSecret(output.value, masker) ? output : { ...output, sensitive: true };
  }
  return sealed;
}

function carriesSecret(value: unknown, masker: Masker): boolean {
  // The JSON form covers nested strings; the masker knows JSON-escaped forms too.
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return masker.mask(text) !== text;
}
