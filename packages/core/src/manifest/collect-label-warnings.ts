import type { Manifest } from '../model.js';
import { didYouMean } from '../text/suggest.js';
import { compareNames } from '../graph/min-heap.js';

/**
 * Labels the manifest names (in `settings.limits` and contexts' `attachTo`)
 * that no stack carries: valid, but almost always a typo that silently does
 * nothing (no limit applies, the context attaches nowhere). Warnings, not
 * errors: a label may be waiting for its first stack.
 */
export function collectLabelWarnings(manifest: Manifest): string[] {
  // Most fleets name no label outside their stacks: no pass over every stack's labels then.
  const named = Object.keys(manifest.settings.limits).length > 0 || Object.values(manifest.contexts).some((context) => context.attachTo !== undefined);
  if (!named) return [];
  const carried = new Set(Object.values(manifest.stacks).flatMap((stack) => stack.labels));
  const unknown = (label: string) => label !== '*' && !carried.has(label);
  const warnings: string[] = [];
  for (const label of Object.keys(manifest.settings.limits).sort()) {
    if (unknown(label)) warnings.push(`settings.limits: no stack carries label "${label}"${didYouMean(label, carried)}`);
  }
  for (const [name, context] of Object.entries(manifest.contexts).sort(([a], [b]) => compareNames(a, b))) {
    for (const label of context.attachTo?.labels ?? []) {
      if (unknown(label)) warnings.push(`contexts.${name}.attachTo: no stack carries label "${label}"${didYouMean(label, carried)}`);
    }
  }
  return warnings;
}
