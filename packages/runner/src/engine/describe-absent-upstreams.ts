import type { Store } from '@stackfleet/core';

/**
 * The run that destroyed an upstream, when its newest successful apply or
 * destroy was a destroy. Messages then say "destroyed in run …" instead of
 * "never applied", which would send users hunting for the wrong cause.
 */
export async function findDestroyingRun(store: Store, upstream: string): Promise<string | undefined> {
  const history = await store.listStackHistory(upstream, 50);
  const last = history.find((record) => record.state === 'succeeded' && (record.phase === 'apply' || record.phase === 'destroy'));
  return last?.phase === 'destroy' ? last.runId : undefined;
}

/** Upstreams of a stack without outputs -> the run that destroyed them (undefined: never applied). */
export async function readAbsentUpstreams(
  store: Store,
  upstreams: Iterable<string>,
  outputs: (stack: string) => unknown,
): Promise<Map<string, string | undefined>> {
  const absent = new Map<string, string | undefined>();
  for (const upstream of new Set(upstreams)) {
    if (outputs(upstream) === undefined) absent.set(upstream, await findDestroyingRun(store, upstream));
  }
  return absent;
}
