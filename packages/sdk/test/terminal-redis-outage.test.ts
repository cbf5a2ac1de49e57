// A call placed while the core's Redis is away (a Redis of the test's own, killed and started again): the
// core answers the Offer with TRY_AGAIN, the SDK sends it again after a while, unreported, and the call
// rings and connects once Redis is back. Real core, real messaging for tokens; WebRTC is faked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  dependencyStatus,
  eventually,
  randomMsisdn,
  startMessagingForTests,
  startPrivateRedis,
  type MessagingForTests,
  type PrivateRedis,
} from '@parley/testing';
import { Terminal, type TerminalError, type WebSocketLike } from '../src/index.js';
import { nextIncoming, TerminalCoreProcess } from './terminal-core-process.js';
import { rtc, until } from './terminal-fakes.js';

let redis: PrivateRedis;
let messaging: MessagingForTests;
const core = new TerminalCoreProcess();
const open: Terminal[] = [];

/** A registered terminal of a new user, the Offers it sent, and the errors it reported. */
async function terminalOfNewUser() {
  const msisdn = randomMsisdn();
  const session = await messaging.signUp('o', { msisdn });
  const offersSent: unknown[] = [];
  const errors: TerminalError[] = [];
  const terminal = new Terminal({
    url: core.url,
    accessToken: () => session.tokens.access_token,
    createWebSocket: (url) => {
      const socket = new WebSocket(url);
      const send = socket.send.bind(socket);
      // Counts what goes out, then sends it as it was.
      socket.send = ((data: string) => {
        if ((JSON.parse(data) as { offer?: unknown }).offer) offersSent.push(data);
        send(data);
      }) as typeof socket.send;
      return socket as unknown as WebSocketLike;
    },
    rtc,
    iceGatheringTimeoutMs: 200,
    // Longer than the defaults: a restarted Redis and the core's reconnect to it fit in the tries.
    dialRetryDelaysMs: [500, 1000, 2000, 4000, 8000],
  });
  open.push(terminal);
  terminal.on('error', (e) => errors.push(e));
  await terminal.register();
  return { msisdn, terminal, offersSent, errors };
}

beforeAll(async () => {
  // Like a deployed Redis, an append-only file: the registrations survive the restart.
  redis = await startPrivateRedis({ appendOnly: true });
  messaging = await startMessagingForTests({ label: 'sdk_terminal_outage' });
  await core.start(messaging.jwksUrl, `${messaging.redisPrefix}:core`, redis.url);
}, 60_000);

afterAll(async () => {
  for (const t of open.splice(0)) t.unregister();
  if (redis && !redis.running) await redis.start().catch(() => undefined);
  await core.stop();
  await messaging?.stop();
  await redis?.cleanup();
});

describe('a call placed while the core cannot reach Redis', () => {
  it('is tried again until Redis is back, then rings and connects, and nothing is reported to the caller', async () => {
    const ann = await terminalOfNewUser();
    const ben = await terminalOfNewUser();
    // One call first: both are registered, and the core knows Ben's terminal.
    const first = nextIncoming(ben.terminal);
    const warmUp = await ann.terminal.call(ben.msisdn);
    (await first).reject();
    await until(() => warmUp.state === 'ended', 'the first call ends', 5000);

    await redis.kill();
    await eventually(
      async () => (await dependencyStatus(core.httpUrl, 'redis')) === 'down',
      'the core sees Redis down',
      30_000,
    );
    const offersBefore = ann.offersSent.length;
    const ringing = nextIncoming(ben.terminal);
    const call = await ann.terminal.call(ben.msisdn);
    await until(() => ann.offersSent.length >= offersBefore + 2, 'the Offer sent a second time', 10_000);
    expect(call.state).toBe('dialing');

    await redis.start();
    const incoming = await ringing;
    expect(incoming.id).toBe(call.id);
    await incoming.answer();
    await until(() => call.state === 'active', 'the caller is in the call', 5000);
    expect(ann.errors).toEqual([]);
    call.hangup();
    await until(() => incoming.state === 'ended', 'the callee hears the hang-up', 5000);
  });
});
