import { join } from 'node:path';

export { createPrivateFile } from './create-private-file.js';
export { writeStackFiles, type WriteStackFilesOptions } from './write-stack-files.js';

/** Where a stack's written context files are recorded: `<stateDir>/files/<stack>.json`. */
export function stackFilesLedgerPath(stateDir: string, stack: string): string {
  return join(stateDir, 'files', `${encodeURIComponent(stack)}.json`);
}
