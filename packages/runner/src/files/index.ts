export { writeStackFiles } from './write-stack-files.js';
