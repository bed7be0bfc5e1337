export { main } from './main.js';
export { runCli } from './run-cli.js';
export type { CliIo } from './io.js';
export { chooseOutputMode, shouldUseColor, type OutputMode } from './output/choose-output-mode.js';
export { renderCliReference, replaceGeneratedSection } from './docs/render-cli-reference.js';
export { COMMANDS } from './command-table/commands.js';
export type { CommandSpec, OptionSpec, ArgumentSpec, Handler } from './command-table/command-spec.js';
