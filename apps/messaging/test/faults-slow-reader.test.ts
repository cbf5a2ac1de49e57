// A device that stops reading its socket while its user keeps receiving events: the server must close it
// with the slow-consumer code once its unsent data passes the bound, rather than buffer without end, and
// the user's other device, which reads normally, must get every event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagingLimits } from '@parley/protocol';
import { WsCloseCodes } from '@parley/service-kit';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';

/** Unsent bytes the service keeps for one socket before closing it (the endpoint's default). */
const SOCKET_BOUND_BYTES = 4 * 1024 * 1024;
/**
 * Far more than the bound plus what the kernel's socket buffers on both ends of a loopback connection
 * take in: a server that buffered without end would hold all of it for the stalled device.
 */
const STALLED_BYTES = 8 * SOCKET_BOUND_BYTES;
const PARTS_PER_MESSAGE = MessagingLimits.maxMessageBytes / MessagingLimits.maxPartBodyBytes;
const MESSAGE_BYTES = PARTS_PER_MESSAGE * (MessagingLimits.maxPartBodyBytes - 64);
const MESSAGES = Math.ceil(STALLED_BYTES / MESSAGE_BYTES);

let svc: MessagingUnderTest;
let ann: TestUser;
let ben: TestUser;
const devices: TestDevice[] = [];

beforeAll(async () => {
  svc = await startMessagingUnderTest('faults_slow_reader');
  [ann, ben] = await Promise.all([svc.api.newUser('ann'), svc.api.newUser('ben')]);
});

afterAll(async () => {
  devices.forEach((d) => d.close());
  await svc?.stop();
});

async function connect(user: TestUser): Promise<TestDevice> {
  const device = await TestDevice.connect(svc.url, user.token);
  devices.push(device);
  return device;
}

function largeMessage(index: number) {
  const body = 'x'.repeat(MessagingLimits.maxPartBodyBytes - 64);
  return {
    clientMessageId: `slow-reader-${index}`,
    parts: Array.from({ length: PARTS_PER_MESSAGE }, () => ({ mimeType: 'text/plain', body })),
  };
}

const sentSeqs = (device: TestDevice, conversationId: string) =>
  device
    .events()
    .filter((e) => e.type === 'message.sent' && e.conversationId === conversationId)
    .map((e) => e.seq);

describe('a device that stops reading', () => {
  it('is closed as a slow consumer while the same user’s reading device gets every event', async () => {
    const conv = await svc.api.post('/v1/conversations', ben.token, {
      type: 'direct',
      participants: [ann.id],
    });
    expect(conv.status).toBe(201);
    const conversationId = conv.body.id as string;

    const stalled = await connect(ann);
    const reading = await connect(ann);
    // The stalled device's socket is no longer read: what the server sends piles up in its buffers.
    stalled.socket.pause();

    const seqs: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const res = await svc.api.post(
        `/v1/conversations/${conversationId}/messages`,
        ben.token,
        largeMessage(i),
      );
      expect(res.status).toBe(201);
      seqs.push(res.body.seq as number);
    }

    // Every event reaches the reading device, in order, none twice.
    await reading.waitForEvent((e) => e.seq === seqs.at(-1) && e.conversationId === conversationId, 60_000);
    expect(sentSeqs(reading, conversationId)).toEqual(seqs);
    expect(reading.closeCode).toBeUndefined();

    // Reading again, the stalled device finds what had been sent before the server gave up, then the close.
    stalled.socket.resume();
    expect(await stalled.waitForClose(60_000)).toBe(WsCloseCodes.slowConsumer);
    const received = sentSeqs(stalled, conversationId);
    expect(received.length).toBeLessThan(seqs.length);
    // At most once and in order: a prefix of what was sent, the rest left to repair by seq on reconnect.
    expect(received).toEqual(seqs.slice(0, received.length));

    // What it missed is in the event log, from the seq after the last one it got.
    const fromSeq = received.length > 0 ? received.at(-1)! + 1 : seqs[0]!;
    const repair = await svc.api.get<{ events: Array<{ seq: number; type: string }> }>(
      `/v1/conversations/${conversationId}/events?fromSeq=${fromSeq}`,
      ann.token,
    );
    expect(repair.status).toBe(200);
    expect(repair.body.events.filter((e) => e.type === 'message.sent').map((e) => e.seq)).toEqual(
      seqs.slice(received.length),
    );
  }, 180_000);
});
