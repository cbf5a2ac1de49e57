// Settings shared by the workspaces whose tests start real services (Nest apps, the SDK against them).
import { defineConfig } from 'vitest/config';

/**
 * Test files are excluded from each tsconfig (tsc does not emit them), so Vite finds no tsconfig for them
 * and would parse decorators as TC39 ones; Nest needs the legacy (experimentalDecorators) semantics.
 * Decorator metadata stays off on purpose: services inject explicitly with @Inject, and the tests prove
 * that works without emitted types. Files run one at a time: each starts servers and shares the machine's
 * PostgreSQL and Redis. They also share one module graph (no isolation): every file keeps its state in its
 * own namespace and servers, and re-importing Nest, the SDK and the protocol schemas for each of ~50 files
 * took longer than the tests themselves.
 */
export function serviceTestConfig() {
  return defineConfig({
    oxc: { decorator: { legacy: true, emitDecoratorMetadata: false } },
    test: {
      include: ['src/**/*.spec.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      fileParallelism: false,
      isolate: false,
    },
  });
}
