/**
 * Where `loadCachedBundle` collects the optional parts a command used in this
 * process (a symbol on `globalThis`: the loader and the bundle are separate
 * scripts that share nothing else).
 */
export const COMPILED_PARTS = Symbol.for('stackfleet.compileCache.parts');

/**
 * Says that this run uses an optional part of the CLI whose code a command
 * does not always load (`policies`: the policy engine and CEL, the
 * plan-first apply). The compile cache then also keeps `<command>+<part>`
 * as a label of its own: without it, the first `apply` of a fleet without
 * policies would decide what the cache holds for every later `apply`, and
 * a fleet with policies would compile the policy code from source on each
 * run. Does nothing outside the bundle (no loader, no cache).
 */
export function noteCompiledPart(part: string): void {
  (globalThis as { [COMPILED_PARTS]?: Set<string> })[COMPILED_PARTS]?.add(part);
}
