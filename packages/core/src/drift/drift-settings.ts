import type { DriftSettings, Manifest, StackSpec } from '../model.js';
import { collectResolutionLayers } from '../resolve/layers.js';

/** Drift settings with their defaults filled in. */
export interface EffectiveDriftSettings {
  /** @default false */
  remediate: boolean;
  /** @default 0 */
  maxDeletes: number;
  /** Cron expression; undefined = no schedule (never selected by `--due`). */
  schedule?: string;
}

/**
 * A stack's drift settings, merged key by key with the same precedence as
 * env/vars (SPEC §2): auto-attached contexts < listed contexts < the stack.
 * The context order comes from `collectResolutionLayers`, so drift can never
 * disagree with the rest of the manifest about which context wins.
 */
export function resolveDriftSettings(manifest: Manifest, stack: StackSpec): EffectiveDriftSettings {
  const merged: DriftSettings = {};
  for (const layer of collectResolutionLayers(manifest, stack)) {
    const settings = driftOfLayer(manifest, stack, layer.label);
    if (settings) Object.assign(merged, definedOnly(settings));
  }
  return {
    remediate: merged.remediate ?? false,
    maxDeletes: merged.maxDeletes ?? 0,
    ...(merged.schedule === undefined ? {} : { schedule: merged.schedule }),
  };
}

function driftOfLayer(manifest: Manifest, stack: StackSpec, label: string): DriftSettings | undefined {
  if (label === 'stack') return stack.drift;
  if (!label.startsWith('context ')) return undefined;
  return manifest.contexts[label.slice('context '.length)]?.drift;
}

function definedOnly(settings: DriftSettings): DriftSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}
