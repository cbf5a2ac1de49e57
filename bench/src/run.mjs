// Entry point: `npm run bench -w bench -- <scenario> [--quick] [--repeat N]`. Dispatches one scenario by name.
const scenarios = {
  messaging: async (opts) => (await import('./messaging/index.mjs')).runMessagingBench(opts),
  terminal: async (opts) => (await import('./terminal/index.mjs')).runTerminalBench(opts),
  voice: async (opts) => (await import('./voice/index.mjs')).runVoiceBench(opts),
  webhooks: async (opts) => (await import('./webhooks/index.mjs')).runWebhooksBench(opts),
  hooks: async (opts) => (await import('./hooks/index.mjs')).runHooksBench(opts),
  'several-nodes': async (opts) => (await import('./several-nodes/index.mjs')).runSeveralNodesBench(opts),
  fanout: async (opts) => (await import('./fanout/index.mjs')).runFanoutBench(opts),
};

function usage() {
  console.error(`usage: npm run bench -w bench -- <scenario> [--quick] [--repeat N]

scenarios:
  messaging   sends/s persisted (one group, 4 groups, 1,000 conversations; PostgreSQL and PGlite),
              send->delivered to 100, 1,000 and 10,000 devices, delivery at 1,000 msg/s over 500
              conversations, memory per socket, 1,000,000-event retransmit (paged and streamed)
  terminal    call setups/s through the terminal core over gRPC, against a bare grpc-js relay (the ceiling)
  voice       relayed voice signals/s and relay latency through the voice proxy, against direct signals
  webhooks    verified provider webhooks/s accepted by the gateway and ack latency, against a bare node:http
              server doing the same HMAC check and one Redis write
  hooks       what a pre-send hook adds to a send (p50/p99, with and without, interleaved); outgoing
              webhook deliveries/s when bench/src/hooks/deliveries.mjs is there
  several-nodes  two messaging and two terminal-core processes, a voice proxy and a webhook gateway under a
              steady load, one messaging and one core process killed: messages/s accepted and delivered,
              send->deliver across nodes, losses after the kill (0), reconnect and repair time
  fanout      live deliveries/s to 1,000 and 10,000 sockets of one group, send->delivered p50/p99 and server
              memory per socket, against a bare ws server (the ceiling) and Socket.IO with its Redis adapter

options:
  --quick     smaller numbers for a smoke run
  --repeat N  (messaging) every figure N times, interleaved; the median round is printed`);
}

const args = process.argv.slice(2);
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 1;
const rest = repeatAt >= 0 ? args.filter((_, i) => i !== repeatAt && i !== repeatAt + 1) : args;
const flags = rest.filter((a) => a.startsWith('--'));
const names = rest.filter((a) => !a.startsWith('--'));
const unknownFlags = flags.filter((f) => f !== '--quick');
const scenario = scenarios[names[0]];
const badRepeat =
  !Number.isInteger(repeat) || repeat < 1 || repeat > 9 || (repeatAt >= 0 && names[0] !== 'messaging');
if (badRepeat) console.error('--repeat takes a whole number from 1 to 9, and only with messaging\n');

if (names.length !== 1 || !scenario || unknownFlags.length > 0 || badRepeat) {
  if (names[0] && !scenario) console.error(`unknown scenario: ${names[0]}\n`);
  if (unknownFlags.length > 0) console.error(`unknown option: ${unknownFlags.join(' ')}\n`);
  usage();
  process.exit(2);
}

try {
  const code = await scenario({ quick: flags.includes('--quick'), repeat });
  // Exit explicitly: a straggling socket or timer must not keep a finished benchmark alive.
  process.exit(code);
} catch (err) {
  console.error(`[bench] failed: ${err.stack ?? err}`);
  process.exit(1);
}
