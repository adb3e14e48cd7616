import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Browser assertions poll; under a loaded CI machine one second is too little.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    reporters: ['default'],
  },
});
