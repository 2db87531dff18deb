import { defineConfig } from 'vitest/config';

/** `npm run test:image`: the container image build and run (slow; not in `npm test`). */
export default defineConfig({
  test: {
    include: ['test/image/**/*.image-test.ts'],
    pool: 'forks',
    testTimeout: 3_600_000,
    reporters: ['default'],
  },
});
