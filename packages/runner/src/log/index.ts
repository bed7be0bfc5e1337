export { openStackLog, stackLogPath, type StackLog } from './stack-log.js';
