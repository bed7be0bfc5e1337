// Executing one phase of one stack: processes, runner adapters, hooks,
// stack files, secrets and masking. The engine and the CLI import these.
export { runProcess } from './process/run-process.js';
export type { OutputStream, ProcessResult, RunProcessOptions } from './process/run-process.js';
export type {
  ApplyResult,
  PlanResult,
  StackExecution,
  StackProcessFailure,
  StackRunnerAdapter,
} from './stack-runner/types.js';
export { StackPhaseError } from './stack-runner/stack-phase-error.js';
export { createCommandAdapter } from './stack-runner/command-adapter.js';
export { parseOutputsJson } from './stack-runner/outputs-file.js';
export { readCompletedApply } from './stack-runner/completed-apply.js';
export { createTerraformAdapter } from './stack-runner/terraform-adapter.js';
export type { TerraformAdapterOptions } from './stack-runner/terraform-adapter.js';
export { parsePlanChanges, parseTerraformOutputs } from './stack-runner/parse-terraform-json.js';
export { resolveSecrets } from './secrets/resolve-secrets.js';
export type { ResolveSecretsOptions } from './secrets/resolve-secrets.js';
export { writeStackFiles } from './files/write-stack-files.js';
export { runHooks } from './hooks/run-hooks.js';
export { createMasker, MASK } from './mask/masker.js';
export type { Masker } from './mask/masker.js';
export { buildMaskerOutsideRun, type MaskerOutsideRunOptions } from './mask/build-masker-outside-run.js';
export { maskDeep, sensitiveOutputValues } from './mask/mask-deep.js';
