export { createPrivateFile } from './create-private-file.js';
export { writeStackFiles } from './write-stack-files.js';
