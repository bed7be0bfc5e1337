export { main } from './main.js';
export { runCli } from './run-cli.js';
export type { CliIo } from './io.js';
export { chooseOutputMode, shouldUseColor, type OutputMode } from './output/choose-output-mode.js';
