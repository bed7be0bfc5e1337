/**
 * The process that runs stackfleet on fuzz cases in-process: scripts/fuzz.mjs
 * forks it with a heap cap and sends it, one at a time, the path of a case's
 * `stacks.yaml`. It reads the file (as `stackfleet validate` does), runs
 * `parseManifest`, and answers with the outcome, its own peak RSS so far and
 * its RSS before the case.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = await import(pathToFileURL(join(repoRoot, 'packages/core/dist/index.js')).href);

function runCase(file) {
  const text = readFileSync(file, 'utf8');
  try {
    core.parseManifest(text, 'stacks.yaml');
    return { outcome: 'valid' };
  } catch (error) {
    if (!(error instanceof core.ValidationError || core.isStackfleetError(error))) {
      return { outcome: 'internal', detail: String((error && error.stack) || error).split('\n').slice(0, 4).join(' | ') };
    }
    const problems = error.problems ?? [];
    const unlocated = problems.filter((problem) => problem.location === undefined).length;
    const rawNewline = problems.some((problem) => problem.message.includes('\n'));
    const longest = problems.reduce((max, problem) => Math.max(max, problem.message.length), error.message.length > 100000 ? error.message.length : 0);
    return { outcome: 'invalid', unlocated, rawNewline, longest };
  }
}

// Above this much heap in use, a case starts after a full collection (which
// costs more than most cases: not for the garbage of a few small ones).
const COLLECT_ABOVE_BYTES = 32 * 1024 * 1024;

process.on('message', ({ id, file }) => {
  // A stackfleet process reads one manifest: a case starts from a collected
  // heap, so its peak RSS is its own and not the garbage of those before it.
  if (process.memoryUsage().heapUsed > COLLECT_ABOVE_BYTES) globalThis.gc();
  // What earlier cases left behind: memory freed but kept by the allocator.
  const rssBeforeKb = Math.round(process.memoryUsage().rss / 1024);
  const result = runCase(file);
  process.send({ id, ...result, peakRssKb: process.resourceUsage().maxRSS, rssBeforeKb });
});
process.send({ ready: true, rssKb: Math.round(process.memoryUsage().rss / 1024) });
