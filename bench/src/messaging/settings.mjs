/** Sizes of each figure: the full run, and `--quick` for a smoke run of under a minute. */
export const fullSettings = {
  /**
   * Sends/s, closed loop, on PostgreSQL and on PGlite, in three shapes: every sender in one group, 4 groups
   * of 4 writers (the figure as it always was), and 1,000 direct conversations between 64 senders and 16
   * recipients, each sender cycling through its 15 or 16 conversations.
   */
  sends: {
    warmupMs: 1000,
    durationMs: 10_000,
    shapes: [
      { key: 'oneGroup', label: 'one group', senders: 16, conversations: 1, kind: 'group' },
      { key: 'fourGroups', label: '4 groups', senders: 16, conversations: 4, kind: 'group' },
      {
        key: 'directs',
        label: '1,000 direct conversations',
        senders: 64,
        recipients: 16,
        conversations: 1000,
        kind: 'direct',
      },
    ],
    /** Printed next to the figures. */
    targets: { postgres: 2000, pglite: 1000 },
  },
  /**
   * Send->delivered with every device in one group: `devices` sockets, `devicesPerUser` per member, one
   * member sending `messages` open-loop at `ratePerSecond` (lower for larger groups, so the offered
   * deliveries stay within what one node writes and the figure is latency, not a backlog).
   */
  delivery: {
    devicesPerUser: 10,
    sizes: [
      { devices: 100, ratePerSecond: 50, messages: 300 },
      { devices: 1000, ratePerSecond: 10, messages: 100 },
      { devices: 10_000, ratePerSecond: 2, messages: 20 },
    ],
    settleMs: 10_000,
  },
  /** 1,000 persisted messages/s spread over 500 direct conversations of 2 users x 2 devices, open loop. */
  directLoad: {
    conversations: 500,
    devicesPerUser: 2,
    ratePerSecond: 1000,
    durationMs: 10_000,
    settleMs: 10_000,
  },
  /** Delivery p99 target for the two latency figures. */
  deliveryP99TargetMs: 25,
  /** The seed's device back after a month: a million events, paged and then streamed. */
  retransmit: { seedCount: 1_000_000 },
  /** Forked processes that hold the device sockets. */
  loadWorkers: 4,
  /** The whole run is aborted (and cleaned up) past setupBudgetMs + roundBudgetMs x rounds. */
  setupBudgetMs: 600_000,
  roundBudgetMs: 600_000,
};

export const quickSettings = {
  sends: {
    warmupMs: 200,
    durationMs: 1000,
    shapes: [
      { key: 'oneGroup', label: 'one group', senders: 16, conversations: 1, kind: 'group' },
      { key: 'fourGroups', label: '4 groups', senders: 16, conversations: 4, kind: 'group' },
      {
        key: 'directs',
        label: '50 direct conversations',
        senders: 16,
        recipients: 4,
        conversations: 50,
        kind: 'direct',
      },
    ],
    targets: fullSettings.sends.targets,
  },
  delivery: {
    devicesPerUser: 10,
    sizes: [
      { devices: 100, ratePerSecond: 50, messages: 50 },
      { devices: 1000, ratePerSecond: 10, messages: 10 },
    ],
    settleMs: 5000,
  },
  directLoad: { conversations: 50, devicesPerUser: 2, ratePerSecond: 200, durationMs: 1500, settleMs: 5000 },
  deliveryP99TargetMs: fullSettings.deliveryP99TargetMs,
  retransmit: { seedCount: 10_000 },
  loadWorkers: 2,
  setupBudgetMs: 120_000,
  roundBudgetMs: 90_000,
};
