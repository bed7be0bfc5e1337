// A/B for issue #17's per-stack overhead: the 500-stack apply of
// bench/overhead.mjs (run that first: it writes the fleet) through another
// checkout's build and this one's (both tsc output, `dist/main.js`, not the
// bundle), interleaved round after round so machine load hits both alike.
//   node bench/overhead-ab.mjs /work/main [rounds] [--bundle]
// With --bundle each checkout's `packages/cli/bin/stackfleet.js` runs (its
// bundle, when fresh: `cd packages/cli && node scripts/bundle-cli.mjs`).
import { setAside } from './lib/set-aside.mjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bundle = process.argv.includes('--bundle');
const [other, roundsArg] = process.argv.slice(2).filter((arg) => arg !== '--bundle');
if (!other) throw new Error('usage: node bench/overhead-ab.mjs OTHER_CHECKOUT [rounds]');
const fleet = join(root, 'bench/.work/overhead-500/stacks.yaml');
const builds = { other: join(other, 'packages/cli/dist/main.js'), this: join(root, 'packages/cli/dist/main.js') };
const rounds = Number(roundsArg ?? 3);
const bins = { other: join(other, 'packages/cli/bin/stackfleet.js'), this: join(root, 'packages/cli/bin/stackfleet.js') };
const results = { other: [], this: [] };
for (let r = 0; r < rounds; r++) for (const [name, entry] of Object.entries(builds)) {
  setAside(join(root, 'bench/.work/overhead-500/.stackfleet'));
  const t0 = performance.now();
  const node = bundle ? [bins[name]] : ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(entry)}); main(process.argv.slice(1));`];
  const run = spawnSync('/usr/bin/time', ['-f', '__CPU=%U+%S', 'node', ...node, 'apply', '--auto-approve', '-j', '8', '-f', fleet], { env: { ...process.env, CI: 'true', NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 1e8 });
  const wall = performance.now() - t0;
  const m = /__CPU=([\d.]+)\+([\d.]+)/.exec(run.stderr);
  if (run.status !== 0) throw new Error(run.stderr.slice(-2000));
  results[name].push({ wall, cpu: (Number(m[1]) + Number(m[2])) * 1000 });
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(results)) console.log(`${name}: wall ${(med(xs.map((x) => x.wall)) / 1000).toFixed(2)} s, cpu ${(med(xs.map((x) => x.cpu)) / 1000).toFixed(2)} s  (cpu each: ${xs.map((x) => (x.cpu / 1000).toFixed(2)).join(', ')})`);
