import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // nodejieba loads its dictionaries per worker; a few forks keep memory and start-up sane on 2 cores.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
