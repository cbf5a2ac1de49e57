import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The Nest decorators need the legacy (experimentalDecorators) semantics, also in test files, which no
  // tsconfig includes; metadata stays off because the module injects explicitly with @Inject.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: false } },
  test: {
    include: ['src/**/*.spec.ts'],
    // Each file talks to a real Redis; closing BullMQ workers waits for their blocking fetch to return.
    testTimeout: 15_000,
    hookTimeout: 20_000,
  },
});
