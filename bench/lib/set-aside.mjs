// Why the benchmarks never delete a previous round's state right before a
// timed run: this machine's root file system is ext4 without a journal
// (/proc/fs/jbd2 is empty), and there, for 60 s after a file is deleted (360 s
// while its inode table block is still dirty), every file or directory
// created in the same block group reads that freed inode and skips it
// (`recently_deleted` in ext4's find_inode_bit). After `rm -rf` of a 500-stack
// run's state, each file stackfleet then created cost ~0.2 ms of kernel time
// instead of ~0.02 ms: `perf record` put 20 % of the whole run's CPU there.
// That is the benchmark's own cleanup, not the product's cost (the floors
// create no files at all), so old state is renamed into a trash directory and
// deleted only when every measurement is over: `npm run bench` (bench/run.mjs)
// empties the trash after its last program; after running programs on their
// own, `rm -rf bench/.work/.trash` (deleting it at their exit would slow the
// next program started within those 60-360 s).
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const trash = new URL('../.work/.trash/', import.meta.url).pathname;
let count = 0;

/** Moves `dir` (a state directory, a fleet) out of the way, if it exists. */
export function setAside(dir) {
  if (!existsSync(dir)) return;
  mkdirSync(trash, { recursive: true });
  count += 1;
  renameSync(dir, join(trash, `${process.pid}-${count}-${Date.now()}`));
}

/** Deletes everything set aside; call it after the last timed run. */
export function emptyTrash() {
  rmSync(trash, { recursive: true, force: true });
}
