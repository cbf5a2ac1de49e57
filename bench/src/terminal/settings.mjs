/** Sizes of the terminal scenario: the full run, and `--quick` for a smoke run of a few seconds. */
export const fullSettings = {
  /** Caller/callee pairs, each with one exchange in flight at a time (2 gRPC streams per pair). */
  pairs: 16,
  warmupMs: 1000,
  durationMs: 10_000,
  /** A step (one expected message) not arriving within this counts as a failed setup. */
  stepTimeoutMs: 5000,
  /** The whole run is aborted (and cleaned up) past this. */
  budgetMs: 120_000,
};

export const quickSettings = {
  pairs: 16,
  warmupMs: 300,
  durationMs: 2000,
  stepTimeoutMs: 5000,
  budgetMs: 60_000,
};
