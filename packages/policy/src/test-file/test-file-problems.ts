import type { Node, Pair } from 'yaml';
import { didYouMean } from '@stackfleet/core';
import { keyOf, mapPairs } from '../parse/policy-source.js';

/** Records one problem of a test file at `node` (file:line:col comes from the node). */
export type ReportTestFileProblem = (node: Node | null | undefined, keyPath: string, message: string, hint: string) => void;

/**
 * The pairs of a map whose keys are among `allowed`; every other key is
 * reported (with a did-you-mean), so a misspelt key never passes unnoticed
 * as "not given". Returns the known pairs by key.
 */
export function readKnownPairs(node: Node, at: string, allowed: readonly string[], report: ReportTestFileProblem): Map<string, Pair> {
  const pairs = new Map<string, Pair>();
  for (const pair of mapPairs(node)) {
    const key = keyOf(pair);
    if (allowed.includes(key)) {
      pairs.set(key, pair);
      continue;
    }
    report(pair.key as Node, at === '' ? key : `${at}.${key}`, `unknown key "${key}"${didYouMean(key, allowed)}`, `valid keys: ${allowed.join(', ')}`);
  }
  return pairs;
}
