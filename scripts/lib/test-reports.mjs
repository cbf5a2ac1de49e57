// Reads the per-run JSON reports (vitest's and Playwright's) that the root test command totals, and names
// each failed test, so the last lines of a run say what failed without scrolling through every suite.
import { stripVTControlCharacters } from 'node:util';

/** Playwright's JSON report keeps its totals in `stats`; vitest's has them at the top. */
const isPlaywrightReport = (report) => report.stats !== undefined && 'expected' in report.stats;

/** Vitest's JSON report and Playwright's name their totals differently. */
export function countsOf(report) {
  if (isPlaywrightReport(report)) {
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

/** The first line of a failure message, without terminal colours. */
function firstLine(message) {
  const plain = stripVTControlCharacters(String(message ?? ''));
  return (
    plain
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

function vitestFailures(report, root) {
  const failures = [];
  for (const file of report.testResults ?? []) {
    const path = String(file.name ?? '').replace(`${root}/`, '');
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of failedTests) {
      failures.push({
        where: path,
        test: test.fullName ?? test.title,
        reason: firstLine(test.failureMessages?.[0]),
      });
    }
    // A file that failed outside any test (an import, a hook, an unhandled error) has no failed test.
    if (file.status === 'failed' && failedTests.length === 0) {
      failures.push({ where: path, test: '(the file itself)', reason: firstLine(file.message) });
    }
  }
  return failures;
}

function playwrightFailures(report) {
  const failures = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected') continue;
        const last = test.results?.at(-1);
        failures.push({
          where: `${spec.file}:${spec.line}`,
          test: spec.title,
          reason: firstLine(last?.error?.message ?? last?.errors?.[0]?.message),
        });
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  // Errors outside any test: a global setup that threw, a spec file that did not load.
  for (const error of report.errors ?? []) {
    const where = error.location ? `${error.location.file}:${error.location.line}` : '(the run)';
    failures.push({ where, test: '(outside any test)', reason: firstLine(error.message) });
  }
  return failures;
}

/** Every failed test of one report: where it is, its name and the first line of why. */
export function failuresOf(report, root) {
  if (isPlaywrightReport(report)) return playwrightFailures(report);
  return vitestFailures(report, root);
}
