import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql-js: type-graphql and Apollo must see the same module instance.
    alias: { graphql: createRequire(import.meta.url).resolve('graphql') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/process-setup.ts'],
    // The browser pages are built before any test (only when web/ changed since the last build).
    globalSetup: ['test/support/build-web.global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here: more workers only contend. Each file gets its own database and key prefix.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
