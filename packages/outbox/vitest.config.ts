import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    // Booting a PGlite (WASM Postgres) takes several seconds; closing BullMQ workers waits for their fetch.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
