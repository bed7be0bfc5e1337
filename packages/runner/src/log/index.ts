export { openStackLog, type StackLog } from './stack-log.js';
export { createLogFileReporter, type LogFileReporterOptions } from './log-file-reporter.js';
