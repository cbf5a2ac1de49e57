/** Sizes of each scenario: the full run, and `--quick` for a smoke run of a few seconds each. */
export const fullSettings = {
  sends: { senders: 16, conversations: 4, warmupMs: 1000, durationMs: 10_000 },
  delivery: { users: 20, devicesPerUser: 5, messages: 200, ratePerSecond: 50, settleMs: 10_000 },
  // The seed's device back after a month: a million events, paged and then streamed.
  retransmit: { seedCount: 1_000_000 },
  /** The whole run is aborted (and cleaned up) past this. */
  budgetMs: 420_000,
};

export const quickSettings = {
  sends: { senders: 16, conversations: 4, warmupMs: 300, durationMs: 2000 },
  delivery: { users: 4, devicesPerUser: 5, messages: 40, ratePerSecond: 50, settleMs: 5000 },
  retransmit: { seedCount: 10_000 },
  budgetMs: 90_000,
};
