export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}
export interface TestFailure {
  where: string;
  test: string;
  reason: string;
}
export function countsOf(report: unknown): TestCounts;
export function failuresOf(report: unknown, root: string): TestFailure[];
