#!/usr/bin/env node
// Benchmark: `affected` on a generated monorepo (default 5,000 stacks,
// 100,000 files, 1,000 changed files), beside `nx show projects --affected`
// on the same tree; then the same change plus one edited variable in
// stacks.yaml (issue #11: resolved-input comparison at base and head, and the
// declarations of every 5th stack's `variable "environment"`), warm (the
// state directory's caches kept by the warm-up run) and once cold.
// Usage: node bench/affected.mjs [--stacks N] [--changed N] [--no-nx]
// (`--cold-child` is how it starts itself for the cold lines: a fresh process.)
// Build first: npx tsc -b packages/core packages/vcs
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { compareManifestInputs, parseManifest } from '../packages/core/dist/index.js';
import { detectAffectedStacks, readChangedFiles } from '../packages/vcs/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const STACKS = option('stacks', 5000);
const FILES_PER_STACK = 20; // 19 Terraform-ish files + package.json (the Nx project)
const CHANGED = option('changed', 1000);
const MODULES = 50;
const withNx = !args.includes('--no-nx');
// v2: the tree has a stacks.yaml and a second commit editing one variable.
const root = join(here, '.work', `mono-v2-${STACKS}`);
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com',
};
const git = (...argv) => execFileSync('git', argv, { cwd: root, env: gitEnv, maxBuffer: 1 << 30, encoding: 'utf8' });
const stackName = (index) => `s${String(index).padStart(4, '0')}`;
// CPU of this process and of its finished children (git), in ms; Linux only (/proc), 10 ms ticks.
const treeCpu = () => {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
};
// Wall time, the value, node's own CPU time, and node's plus git's: load inflates wall far more than CPU.
const time = async (fn) => {
  const cpu = process.cpuUsage();
  const tree = treeCpu();
  const start = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  const treeUsed = tree === undefined ? undefined : treeCpu() - tree;
  return [performance.now() - start, value, (used.user + used.system) / 1000, treeUsed];
};
const ms = (value) => `${value.toFixed(0)} ms`;

async function generate() {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'bench-mono', private: true, workspaces: ['stacks/*'] }));
  await writeFile(join(root, 'nx.json'), JSON.stringify({ defaultBase: 'main', useDaemonProcess: false }));
  await writeFile(join(root, '.gitignore'), '.nx/\nnode_modules/\n.nx-affected.txt\n.stackfleet/\n');
  for (let m = 0; m < MODULES; m += 1) {
    await mkdir(join(root, 'modules', `m${m}`), { recursive: true });
    await writeFile(join(root, 'modules', `m${m}`, 'main.tf'), `variable "name" {}\n# module ${m}\n`);
  }
  for (let s = 0; s < STACKS; s += 1) {
    const dir = join(root, 'stacks', stackName(s));
    await mkdir(dir, { recursive: true });
    const usesModule = s % 10 === 0;
    const declares = s % 5 === 1 ? 'variable "environment" {\n  type = string\n}\n' : '';
    await writeFile(join(dir, 'main.tf'), declares + (usesModule
      ? `module "shared" {\n  source = "../../modules/m${s % MODULES}"\n  name   = "${stackName(s)}"\n}\n`
      : `resource "terraform_data" "r" {\n  input = "${stackName(s)}"\n}\n`));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: stackName(s), version: '0.0.0' }));
    for (let f = 2; f < FILES_PER_STACK; f += 1) await writeFile(join(dir, `file${f}.tf`), `# ${stackName(s)} ${f}\n`);
  }
  await writeFile(join(root, 'stacks.yaml'), buildManifestText('dev'));
  git('-c', 'init.defaultBranch=main', 'init', '--quiet');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'generated');
  git('checkout', '--quiet', '-b', 'feature');
  // Spread the changes: one file in each of CHANGED - 10 stacks, plus 10 module files.
  const step = Math.max(1, Math.floor(STACKS / CHANGED));
  let changed = 0;
  for (let s = 0; changed < CHANGED - 10 && s < STACKS; s += step, changed += 1) {
    await writeFile(join(root, 'stacks', stackName(s), 'file2.tf'), `# changed ${s}\n`);
  }
  for (let m = 0; m < 10; m += 1) await writeFile(join(root, 'modules', `m${m}`, 'main.tf'), `variable "name" {}\n# changed\n`);
  git('add', '-A');
  git('commit', '--quiet', '-m', 'change');
  await writeFile(join(root, 'stacks.yaml'), buildManifestText('staging'));
  git('add', '-A');
  git('commit', '--quiet', '-m', 'environment: staging');
}

/** A manifest (JSON is YAML) with shared variables, a context for every stack, and per-stack vars. */
function buildManifestText(environment) {
  const stacks = {};
  for (let s = 0; s < STACKS; s += 1) {
    const name = stackName(s);
    stacks[name] = { path: `stacks/${name}`, labels: s % 2 === 0 ? ['even'] : [], vars: { name, size: s % 3 } };
  }
  return JSON.stringify({
    version: 1,
    variables: { environment, region: 'eu-west-1', tags: { team: 'platform' } },
    contexts: {
      all: { attachTo: { labels: ['*'] }, env: { AWS_REGION: '${{ vars.region }}', TEAM: '${{ vars.tags.team }}' } },
      even: { attachTo: { labels: ['even'] }, vars: { parity: 'even' } },
    },
    stacks,
  }, null, 1);
}

if (!existsSync(join(root, '.git'))) {
  const [generateMs] = await time(generate);
  console.log(`generated ${STACKS} stacks, ${STACKS * FILES_PER_STACK} files in ${ms(generateMs)}`);
} else {
  console.log(`reusing ${root}`);
}

const loaded = parseManifest(readFileSync(join(root, 'stacks.yaml'), 'utf8'), 'stacks.yaml');
if (args.includes('--cold-child')) {
  // A fresh process and an empty state directory, as on a new CI runner: no
  // JIT warm-up, no cached base manifest, no cached base-tree grep. Prints
  // git's diff and the whole call, each as wall and node + git CPU.
  const [diffMs, , , diffTree] = await time(() => readChangedFiles(root));
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-affected-state-'));
  const [totalMs, result, , totalTree] = await time(() => detectAffectedStacks(loaded, { manifestPath: 'stacks.yaml', manifestDir: root, stateDir }));
  await rm(stateDir, { recursive: true, force: true });
  console.log(JSON.stringify({ stacks: result.affected.size, diffMs, diffTree, totalMs, totalTree }));
  process.exit(0);
}
// Files only: up to the commit before the manifest edit.
const filesOnly = { manifestPath: 'stacks.yaml', manifestDir: root, stateDir: join(root, '.stackfleet'), base: 'main', head: 'HEAD~1' };
// Files and one variable: up to the working tree (the manifest edit included).
const withVariable = { manifestPath: 'stacks.yaml', manifestDir: root, stateDir: join(root, '.stackfleet') };
await detectAffectedStacks(loaded, withVariable); // warm-up: wasm HCL parser, OS file cache
// Median of 3: the machine is shared, single runs are noisy.
const median = async (fn) => {
  const runs = [];
  for (let i = 0; i < 3; i += 1) runs.push(await time(fn));
  return runs.sort((a, b) => a[0] - b[0])[1];
};
const [gitMs, changes, , gitTree] = await median(() => readChangedFiles(root));
const [filesMs, filesResult, filesCpu, filesTree] = await median(() => detectAffectedStacks(loaded, filesOnly));
const [totalMs, result, totalCpu, totalTree] = await median(() => detectAffectedStacks(loaded, withVariable));
// CPU after the diff, node and git together: close to the wall time on an idle machine when nothing overlaps.
const treeAfterDiff = (tree) => (tree === undefined || gitTree === undefined ? '' : `; node + git CPU after git's diff ${ms(tree - gitTree)}`);
const previous = parseManifest(git('show', 'HEAD~1:stacks.yaml'), 'stacks.yaml').manifest;
const [compareMs, inputChanges] = await median(async () => compareManifestInputs(previous, loaded.manifest));
console.log(`changed files (git diff + untracked): ${changes.files.length} in ${ms(gitMs)}`);
console.log(`stackfleet affected, files only: ${filesResult.affected.size} stacks in ${ms(filesMs)} total, ${ms(filesMs - gitMs)} after git's diff (target < 1000 ms); node CPU ${ms(filesCpu)}${treeAfterDiff(filesTree)}`);
console.log(`stackfleet affected, files + variables.environment edited: ${result.affected.size} stacks in ${ms(totalMs)} total, ${ms(totalMs - gitMs)} after git's diff (target < 1000 ms); node CPU ${ms(totalCpu)}${treeAfterDiff(totalTree)}`);
console.log(`  of which resolved-input comparison of ${STACKS} stacks at base and head: ${ms(compareMs)} (${inputChanges.changed.size} with different inputs before declarations)`);
// The runs above reuse what the warm-up kept in the state directory (the
// parsed manifest at base, the base tree's grepped .tf lines); the first run
// against a new base has neither. One run: noisy.
await rm(join(root, '.stackfleet', 'cache'), { recursive: true, force: true });
const [coldMs, coldResult, coldCpu, coldTree] = await time(() => detectAffectedStacks(loaded, withVariable));
console.log(`  first run against this base (state-directory caches empty): ${coldResult.affected.size} stacks, ${ms(coldMs - gitMs)} after git's diff; node CPU ${ms(coldCpu)}${treeAfterDiff(coldTree)}`);
// Cold as a CI runner sees it: a fresh process (the CLI's case) with an empty
// state directory; its own diff is subtracted. Three runs, each line printed.
for (let run = 1; run <= 3; run += 1) {
  const child = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--stacks', String(STACKS), '--changed', String(CHANGED), '--cold-child'], { encoding: 'utf8' }).trim().split('\n').pop());
  const cpu = child.totalTree === undefined ? '' : `; node + git CPU after git's diff ${ms(child.totalTree - child.diffTree)}`;
  console.log(`  cold (fresh process, empty state directory) ${run}: ${child.stacks} stacks, ${ms(child.totalMs - child.diffMs)} after its own diff (${ms(child.diffMs)})${cpu}`);
}

if (withNx) {
  const nx = join(here, '..', 'node_modules', '.bin', 'nx');
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', NX_TUI: 'false' };
  // nx exits before a pipe drains (its list came back truncated), so it writes to a file.
  const outFile = join(root, '.nx-affected.txt');
  const run = () => {
    const fd = openSync(outFile, 'w');
    try {
      execFileSync(nx, ['show', 'projects', '--affected', '--base=main', '--head=HEAD'], { cwd: root, env, stdio: ['ignore', fd, 'inherit'] });
    } finally {
      closeSync(fd);
    }
    return readFileSync(outFile, 'utf8');
  };
  await rm(join(root, '.nx'), { recursive: true, force: true });
  const [coldMs, cold] = await time(run);
  const [warmMs] = await time(run);
  const count = cold.split('\n').filter(Boolean).length;
  console.log(`nx show projects --affected: ${count} projects in ${ms(coldMs)} first run, ${ms(warmMs)} second run`);
  console.log(`ratio (nx best / stackfleet files only): ${(Math.min(coldMs, warmMs) / filesMs).toFixed(1)}x`);
}
