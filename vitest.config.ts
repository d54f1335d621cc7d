import { defineConfig } from 'vitest/config';

// One run covers every workspace: unit tests beside the code, integration tests on SQLite and PostgreSQL,
// the engine contract suite on a real GGUF, and end-to-end tests against a started server.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/web/src/**/*.test.tsx', 'apps/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
