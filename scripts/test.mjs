#!/usr/bin/env node
// The one test command: the builds, then every workspace's tests (one at a time, they share PostgreSQL
// and Redis), then a single closing total read from the per-run JSON reports. A failing workspace does
// not stop the others (--continue), so the total counts every suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countsOf, failuresOf } from './lib/test-reports.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.test-results');
rmSync(reports, { recursive: true, force: true });

// Builds first, several packages at a time; the tests then find every build done.
const build = spawnSync(
  'npx',
  ['turbo', 'run', 'build', '--output-logs=errors-only', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (build.status !== 0) {
  process.stdout.write('\nThe build failed, so no test ran.\n0 passed, 1 failed\n');
  process.exit(1);
}

const turbo = spawnSync(
  'npx',
  ['turbo', 'run', 'test', '--concurrency=1', '--continue', '--output-logs=full', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
const failures = [];
if (existsSync(reports)) {
  for (const file of readdirSync(reports)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const report = JSON.parse(readFileSync(join(reports, file), 'utf8'));
    const counts = countsOf(report);
    const named = failuresOf(report, root);
    passed += counts.passed;
    // A file that failed to load counts too, though no test in it ran.
    const failedHere = Math.max(counts.failed, named.length);
    failed += failedHere;
    skipped += counts.skipped;
    const label = file.replace(/(\.playwright)?\.json$/, '');
    lines.push(`  ${label.padEnd(28)} ${counts.passed} passed, ${failedHere} failed`);
    for (const f of named) failures.push(`  ${label}: ${f.where} › ${f.test}\n      ${f.reason}`);
  }
}
process.stdout.write(`\nTest runs:\n${lines.join('\n')}\n\n`);
if (failures.length > 0) process.stdout.write(`Failed:\n${failures.join('\n')}\n\n`);
if (turbo.status !== 0 && failed === 0) failed = 1; // a workspace failed before its tests reported
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
