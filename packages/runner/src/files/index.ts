export { createPrivateFile } from './create-private-file.js';
export { pathExists } from './path-exists.js';
export { writeStackFiles, type WriteStackFilesOptions } from './write-stack-files.js';
// Where a stack's written context files are recorded: core's state layout.
export { stackFilesLedgerPath } from '@stackfleet/core';
