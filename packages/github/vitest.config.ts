import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // GitHub's workflow parser imports its schema JSON without an import
    // attribute, which Node refuses: let vite transform it instead.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    // The fake GitHub server loads and indexes GitHub's 13 MB OpenAPI description.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
