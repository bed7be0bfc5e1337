export { MemoryStore } from './memory-store.js';
export { createGitSandbox, SANDBOX_GIT_ENV } from './git-sandbox.js';
export type { GitSandbox, GitSandboxDescription, SandboxFiles } from './git-sandbox.js';
