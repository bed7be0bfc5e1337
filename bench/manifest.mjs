// Issue #2 benchmark: load + validate + order + select for generated fleets,
// against `nx show projects` on an Nx workspace with the same DAG, same run.
import { join } from 'node:path';
import { generateDag } from './lib/generate-dag.mjs';
import { fmt, median, timeCommand } from './lib/measure.mjs';
import { writeCommandFleet, writeNxWorkspace } from './lib/write-fleet.mjs';

const root = new URL('..', import.meta.url).pathname;
const work = join(root, 'bench/.work');
const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);

console.log('## manifest: load + validate + order + select (stackfleet list --order --label ten --with-dependencies)');
for (const size of sizes) {
  const nodes = generateDag(size, { edges: 3, seed: size });
  const fleetDir = join(work, `fleet-${size}`);
  const manifest = writeCommandFleet(fleetDir, nodes, { dirs: true });
  const nxDir = join(work, `nx-${size}`);
  writeNxWorkspace(nxDir, nodes, { nodeModules: join(root, 'node_modules') });

  const ours = [];
  let rss = 0;
  for (let i = 0; i < repeats; i += 1) {
    const run = timeCommand(['node', join(root, 'bench/lib/measure-cli.mjs'), 'list', '--order', '--label', 'ten', '--with-dependencies', '-f', manifest]);
    if (run.code !== 0) throw new Error(`stackfleet failed: ${run.stderr}`);
    const inner = JSON.parse(run.stderr.trim().split('\n').filter((line) => line.startsWith('{')).pop());
    ours.push(run.ms);
    rss = Math.max(rss, run.maxRssMb ?? inner.maxRssMb);
  }
  const nx = [];
  let nxRss;
  for (let i = 0; i < repeats; i += 1) {
    const run = timeCommand([join(root, 'node_modules/.bin/nx'), 'show', 'projects'], {
      cwd: nxDir,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', NX_CACHE_PROJECT_GRAPH: 'false' },
    });
    if (run.code !== 0) throw new Error(`nx failed: ${run.stderr}`);
    nx.push(run.ms);
    nxRss = run.maxRssMb;
  }
  const oursMs = median(ours);
  const nxMs = median(nx);
  console.log(
    `stacks=${size} edges≈3: stackfleet ${fmt(oursMs)} (peak RSS ${rss.toFixed(0)} MB) | nx show projects ${fmt(nxMs)}${nxRss ? ` (peak RSS ${nxRss.toFixed(0)} MB)` : ''} | ratio stackfleet/nx = ${(oursMs / nxMs).toFixed(2)} | target 10k < 1 s and < 300 MB: ${size < 10000 ? 'n/a' : oursMs < 1000 && rss < 300 ? 'met' : 'MISSED'}`,
  );
}
