#!/usr/bin/env node
// Runs a service's suite twice: on the machine's PostgreSQL and on embedded PGlite, the two storages
// Parley supports. Scenarios that need a shared server (several processes) run on PostgreSQL only.
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('./vitest-run.mjs', import.meta.url));
const name = basename(process.cwd());
const runs = [
  { db: 'postgres', args: [] },
  {
    db: 'pglite',
    // faults-postgres and faults-pglite choose their storage themselves: once is enough.
    args: [
      '--exclude',
      'test/two-processes*.test.ts',
      '--exclude',
      'test/faults-postgres.test.ts',
      '--exclude',
      'test/faults-pglite.test.ts',
    ],
  },
];
let failed = false;
for (const run of runs) {
  process.stdout.write(`\n=== ${name}: integration suite on ${run.db} ===\n`);
  const result = spawnSync(process.execPath, [runner, `${name}-${run.db}`, ...run.args], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DB: run.db },
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
