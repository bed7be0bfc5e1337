// `npm run bench`: every benchmark program in turn. Each prints its figures
// against a baseline measured in the same run. BENCH_ONLY=startup,manifest
// runs a subset.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { emptyTrash } from './lib/set-aside.mjs';

const all = ['startup', 'manifest', 'execution', 'overhead', 'affected', 'tui', 'policy', 'policy-run', 'gc'];
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : all;
const dir = new URL('.', import.meta.url).pathname;
let failed = false;
for (const name of all.filter((entry) => only.includes(entry))) {
  console.log(`\n# bench/${name}.mjs`);
  // Old state is deleted once, after the last program (see lib/set-aside.mjs).
  const result = spawnSync(process.execPath, [join(dir, `${name}.mjs`)], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
emptyTrash();
process.exit(failed ? 1 : 0);
