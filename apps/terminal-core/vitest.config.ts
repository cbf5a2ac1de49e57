import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Spec files are excluded from tsconfig.json (so tsc does not emit them), which means Vite finds no
  // tsconfig for them and would parse decorators as TC39 ones; Nest needs the legacy
  // (experimentalDecorators) semantics. Decorator metadata stays off on purpose: the guards inject
  // explicitly with @Inject, and the tests prove that works without emitted types.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: false } },
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
