import { collectResolutionLayers, type Manifest, type SecretSource } from '@stackfleet/core';

/** A stack's secrets as its layers declare them (the stack's own win), and where each was declared, for messages. */
export interface StackSecretSources {
  sources: Record<string, SecretSource>;
  /** `context aws-prod`, `stack app`. */
  declaredIn: Record<string, string>;
}

/** The secrets of stack `name` after precedence (variables < contexts < the stack); undefined for an unknown stack. */
export function collectStackSecretSources(manifest: Manifest, name: string): StackSecretSources | undefined {
  const spec = manifest.stacks[name];
  if (!spec) return undefined;
  const sources: Record<string, SecretSource> = {};
  const declaredIn: Record<string, string> = {};
  for (const layer of collectResolutionLayers(manifest, spec)) {
    for (const [key, source] of Object.entries(layer.secrets)) {
      sources[key] = source;
      declaredIn[key] = layer.label === 'stack' ? `stack ${name}` : layer.label;
    }
  }
  return { sources, declaredIn };
}
