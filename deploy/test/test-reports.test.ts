import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { countsOf, failuresOf } from '../../scripts/lib/test-reports.mjs';

// Real reports from real runs: one passing test, one failing test and, for vitest, a file that throws on
// import. The fixtures live under the repository so they resolve its test runners.
const repository = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(repository, 'deploy', 'report-fixture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs a test runner's own binary in the fixture (npx would run it from the workspace's folder), with none
 * of the variables this vitest run set for its own workers.
 */
function reportOf([runner, ...args]: string[], env: Record<string, string> = {}): unknown {
  const bin = join(repository, 'node_modules', '.bin', runner!);
  const run = spawnSync(bin, args, {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(1);
  return JSON.parse(readFileSync(join(work, 'report.json'), 'utf8'));
}

describe('the test command names each failed test', () => {
  test('from a vitest report, with a file that failed outside any test', () => {
    writeFileSync(
      join(work, 'a.test.ts'),
      `import { describe, expect, test } from 'vitest';
describe('group', () => { test('fails', () => { expect(1).toBe(2); }); test('passes', () => {}); });`,
    );
    writeFileSync(join(work, 'b.test.ts'), `throw new Error('the import broke');`);
    // Its own config, or vitest would take this workspace's and run its suite.
    writeFileSync(join(work, 'vitest.config.mjs'), `export default { test: { include: ['*.test.ts'] } };`);
    const report = reportOf([
      'vitest',
      'run',
      '--config',
      'vitest.config.mjs',
      '--reporter=json',
      '--outputFile.json=report.json',
    ]);
    expect(countsOf(report)).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(failuresOf(report, work)).toEqual([
      {
        where: 'a.test.ts',
        test: 'group fails',
        reason: 'AssertionError: expected 1 to be 2 // Object.is equality',
      },
      { where: 'b.test.ts', test: '(the file itself)', reason: 'the import broke' },
    ]);
    rmSync(join(work, 'a.test.ts'));
    rmSync(join(work, 'b.test.ts'));
  });

  test('from a Playwright report', () => {
    writeFileSync(
      join(work, 'c.spec.ts'),
      `import { expect, test } from '@playwright/test';
test('fails', () => { expect(1).toBe(2); });
test('passes', () => {});`,
    );
    writeFileSync(
      join(work, 'playwright.config.mjs'),
      `export default { testDir: '.', outputDir: 'results' };`,
    );
    const report = reportOf(['playwright', 'test', '-c', 'playwright.config.mjs', '--reporter=json'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: join(work, 'report.json'),
    });
    expect(countsOf(report)).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(failuresOf(report, work)).toEqual([
      {
        where: 'c.spec.ts:2',
        test: 'fails',
        reason: 'Error: expect(received).toBe(expected) // Object.is equality',
      },
    ]);
  });
});
