import { randomBytes } from 'node:crypto';
import type { OpenDatabaseOptions } from '../src/index.js';

/** The machine's PostgreSQL (trust auth); CI can point elsewhere with TEST_DATABASE_URL. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestTarget {
  kind: 'postgres' | 'pglite';
  options(schema: string): OpenDatabaseOptions;
}

/** Every shared suite runs once per driver, with the same SQL and the same assertions. */
export const testTargets: TestTarget[] = [
  { kind: 'postgres', options: (schema) => ({ url: testDatabaseUrl, schema }) },
  { kind: 'pglite', options: (schema) => ({ pgliteDir: 'memory://', schema }) },
];

/** A fresh schema per suite, so parallel test files never see each other's tables. */
export function randomSchemaName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
