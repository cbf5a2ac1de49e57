/**
 * Sizes of the `fanout` scenario. Every variant gets the same offered load at a size: messages/s =
 * offeredDeliveriesPerSecond / sockets, so 1,000 sockets get 10 times the messages of 10,000.
 * BENCH_FANOUT_SIZES=100,200 (comma-separated socket counts) replaces the sizes, e.g. for a check on a busy
 * machine. BENCH_FANOUT_PARLEY=delivery measures Parley's delivery side without its send path (below).
 */
export const fullSettings = {
  sizes: [1000, 10_000],
  offeredDeliveriesPerSecond: 100_000,
  rounds: 3,
  warmupMs: 1000,
  durationMs: 8000,
  /** After the last send, deliveries missing once none has arrived for this long count as lost. */
  settleMs: 5000,
  devicesPerUser: 10,
  loadWorkers: 4,
  /** The whole run is aborted (and cleaned up) past this. */
  budgetMs: 1_200_000,
};

export const quickSettings = {
  sizes: [100, 1000],
  offeredDeliveriesPerSecond: 20_000,
  rounds: 3,
  warmupMs: 500,
  durationMs: 3000,
  settleMs: 3000,
  devicesPerUser: 10,
  loadWorkers: 4,
  budgetMs: 300_000,
};

/**
 * How Parley's messages are sent. `api` (the default): one member POSTs each message, so the figure covers
 * the whole path, commit included. `delivery`: the benchmark publishes each `message.sent` frame the way
 * messaging does once a send is committed (one PUBLISH on its frames-to-users channel with the group's
 * members), so the figure is the delivery side alone: Redis to the node to every device socket.
 */
const PARLEY_SENDS = ['api', 'delivery'];

export function settingsFor(quick) {
  const settings = { ...(quick ? quickSettings : fullSettings) };
  settings.parleySends = process.env.BENCH_FANOUT_PARLEY ?? 'api';
  if (!PARLEY_SENDS.includes(settings.parleySends))
    throw new Error(`BENCH_FANOUT_PARLEY must be one of ${PARLEY_SENDS.join(', ')}: ${settings.parleySends}`);
  const sizes = process.env.BENCH_FANOUT_SIZES;
  if (sizes) {
    settings.sizes = sizes.split(',').map((s) => Number(s.trim()));
    if (settings.sizes.some((n) => !Number.isInteger(n) || n < 1))
      throw new Error(`BENCH_FANOUT_SIZES must be positive integers, comma-separated: ${sizes}`);
  }
  return settings;
}
