#!/usr/bin/env node
// The one test command: the builds, then every workspace's tests (one at a time, they share PostgreSQL
// and Redis), then a single closing total read from the per-run JSON reports. A failing workspace does
// not stop the others (--continue), so the total counts every suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Vitest's JSON report and Playwright's name their totals differently. */
function countsOf(report) {
  if (report.stats && 'expected' in report.stats) {
    return {
      passed: report.stats.expected + (report.stats.flaky ?? 0),
      failed: report.stats.unexpected,
      skipped: report.stats.skipped,
    };
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
if (existsSync(reports)) {
  for (const file of readdirSync(reports)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const counts = countsOf(JSON.parse(readFileSync(join(reports, file), 'utf8')));
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    const label = file.replace(/(\.playwright)?\.json$/, '');
    lines.push(`  ${label.padEnd(28)} ${counts.passed} passed, ${counts.failed} failed`);
  }
}
process.stdout.write(`\nTest runs:\n${lines.join('\n')}\n\n`);
if (turbo.status !== 0 && failed === 0) failed = 1; // a workspace failed before its tests reported
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
