export { MemoryStore } from './memory-store.js';
export { createGitSandbox, SANDBOX_GIT_ENV } from './git-sandbox.js';
export type { GitSandbox, GitSandboxDescription, SandboxFiles } from './git-sandbox.js';
export { buildTestManifest, parseTestManifest } from './test-manifest.js';
export type { RawManifest } from './test-manifest.js';
export { createTempDir } from './temp-dir.js';
export { isProcessRunning } from './process-state.js';
export type { TempDir } from './temp-dir.js';
export { maxConcurrency, readIntervals, writeCommandFleet } from './command-fleet.js';
export type { CommandFleet, CommandFleetDescription, CommandFleetStack, StackInterval } from './command-fleet.js';
export { startFakeGithub } from './fake-github/fake-github-server.js';
export type {
  FakeCheckRun,
  FakeComment,
  FakeGithubServer,
  FakeGithubState,
  FakeIssue,
  FakePull,
  FakeReview,
  RecordedRequest,
  ScriptedFailure,
} from './fake-github/fake-github-server.js';
export { matchOperation, validateRequestBody } from './fake-github/openapi-validator.js';
export { startPostgres } from './postgres-server.js';
export type { PostgresServer, StartPostgresOptions } from './postgres-server.js';
