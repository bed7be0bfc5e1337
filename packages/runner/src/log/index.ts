export { openStackLog, type StackLog } from './stack-log.js';
export { createLogFileReporter } from './log-file-reporter.js';
