import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    // Each file talks to a real Redis; closing BullMQ workers waits for their blocking fetch to return.
    testTimeout: 15_000,
    hookTimeout: 20_000,
  },
});
