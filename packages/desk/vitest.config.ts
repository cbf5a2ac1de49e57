import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.spec.ts'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
