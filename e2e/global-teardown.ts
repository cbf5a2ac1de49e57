import { spawnSync } from 'node:child_process';

/** Drops the suite's schema and Redis keys once the servers are gone. */
export default function globalTeardown(): void {
  const schema = process.env.PARLEY_E2E_SCHEMA;
  if (!schema || !/^e2e_[a-f0-9]+$/.test(schema)) return;
  const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  spawnSync('psql', [databaseUrl, '-qc', `DROP SCHEMA IF EXISTS ${schema} CASCADE`], { stdio: 'ignore' });
  spawnSync('sh', ['-c', `redis-cli --scan --pattern 'ptest:${schema}*' | xargs -r redis-cli del`], {
    stdio: 'ignore',
  });
}
