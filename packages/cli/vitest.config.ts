import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.test.ts'],
    // The bin test starts a real messaging (embedded PGlite can take a while to open on a busy machine).
    hookTimeout: 180_000,
    testTimeout: 60_000,
  },
});
