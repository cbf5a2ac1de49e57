#!/usr/bin/env node
// Runs a service's suite on the machine's PostgreSQL and on embedded PGlite, the two storages Parley
// supports, side by side: each run has its own schemas, Redis prefixes and ports, and each spends much of
// its time waiting on the other storage's kind of work (PostgreSQL's server, PGlite's in-process engine).
// Each run's output is printed whole once it ends. Scenarios that need a shared server (several
// processes) run on PostgreSQL only.
import { spawn } from 'node:child_process';
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

function run({ db, args }) {
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(process.execPath, [runner, `${name}-${db}`, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TEST_DB: db, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' },
    });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('close', (code, signal) => {
      process.stdout.write(`\n=== ${name}: integration suite on ${db} ===\n`);
      process.stdout.write(Buffer.concat(chunks));
      resolve(code === 0 && !signal);
    });
  });
}

process.stdout.write(`${name}: the suite runs on ${runs.map((r) => r.db).join(' and ')} side by side\n`);
const results = await Promise.all(runs.map(run));
process.exit(results.every(Boolean) ? 0 : 1);
