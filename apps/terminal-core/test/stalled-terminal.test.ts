// A terminal that stops reading its stream while signalling keeps coming for it must not make the core
// buffer without end: past a limit the core gives up on it as if it had dropped, and nobody else notices.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WsCloseCodes } from '@parley/service-kit';
import type { GrpcTerminal } from './support/grpc-terminal.js';
import { TerminalFixture } from './support/terminal-fixture.js';
import { WsTerminal } from './support/ws-terminal.js';

const world = new TerminalFixture('stalled', '+4796');
/** A browser-sized SDP would take thousands of offers to fill the limit; this is just under the SDP cap. */
const LARGE_SDP = `v=0\r\n${'a=candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host\r\n'.repeat(1000)}`;
/** Far more than the limit (4 MiB) plus what the transport buffers: reaching it means nothing gave up. */
const MAX_OFFERS = 1000;

beforeAll(async () => world.start({ TERMINAL_MESSAGES_PER_SECOND: '100000' }));
afterEach(() => world.closeTerminals());
afterAll(async () => world.stop());

/**
 * `flooder` calls `msisdn` with large offers, one after another, each once `reading` (a terminal of that
 * msisdn that keeps reading) has it, until `gaveUp()` holds. Returns the offers' call ids.
 */
async function floodUntil(
  flooder: GrpcTerminal,
  msisdn: string,
  reading: GrpcTerminal,
  gaveUp: () => boolean,
): Promise<string[]> {
  const ids: string[] = [];
  while (!gaveUp()) {
    if (ids.length >= MAX_OFFERS) throw new Error(`still not given up after ${ids.length} offers`);
    const id = randomUUID();
    ids.push(id);
    flooder.offer(id, msisdn, LARGE_SDP);
    const offer = await reading.next('offer', id);
    expect(offer.message).toMatchObject({ value: { sdp: LARGE_SDP } });
  }
  return ids;
}

/** A call between `peer` (caller) and a terminal of `msisdn` that answers with `answer`. */
async function callAnsweredBy(
  peer: GrpcTerminal,
  msisdn: string,
  others: GrpcTerminal[],
  answer: (id: string) => Promise<void>,
) {
  const id = randomUUID();
  peer.offer(id, msisdn);
  await answer(id);
  await peer.next('answer', id);
  for (const other of others) await other.next('bye', id);
  return id;
}

describe('a terminal that stops reading', () => {
  it('over gRPC: its stream ends with RESOURCE_EXHAUSTED, its call ends for the other party, and a terminal reading the same traffic goes on', async () => {
    const [shared, peerNumber, flooderNumber] = [world.msisdn(), world.msisdn(), world.msisdn()];
    const stalled = await world.terminal(shared);
    const reading = await world.terminal(shared);
    const peer = await world.terminal(peerNumber);
    const flooder = await world.terminal(flooderNumber);
    const inCall = await callAnsweredBy(peer, shared, [reading], async (id) => {
      await stalled.next('offer', id);
      stalled.answer(id);
    });

    stalled.stream.pause();
    const ids = await floodUntil(flooder, shared, reading, () => peer.kinds().includes('bye'));

    expect((await peer.next('bye', inCall)).message).toMatchObject({ value: { reason: 'connection_lost' } });
    // The reading terminal got every offer and can still take a call.
    expect(reading.error).toBeUndefined();
    const last = ids.at(-1)!;
    reading.answer(last, 'answer-from-the-reading-terminal');
    expect((await flooder.next('answer', last)).message).toMatchObject({
      value: { sdp: 'answer-from-the-reading-terminal' },
    });
    // Once the stalled terminal reads again, it learns why its stream ended.
    stalled.stream.resume();
    const error = await stalled.waitForError(30_000);
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/stopped reading/);
  }, 120_000);

  it('over the WebSocket bridge: its socket is closed 4008, its call ends for the other party at once, and a terminal reading the same traffic goes on', async () => {
    const [shared, peerNumber, flooderNumber] = [world.msisdn(), world.msisdn(), world.msisdn()];
    const stalled = await WsTerminal.open(world.core, await world.tokenFor(shared), (t) => world.track(t));
    const reading = await world.terminal(shared);
    const peer = await world.terminal(peerNumber);
    const flooder = await world.terminal(flooderNumber);
    const inCall = await callAnsweredBy(peer, shared, [reading], async (id) => {
      await stalled.next('offer', id);
      stalled.send({ answer: { sdp: 'browser-answer' }, callId: id });
    });

    stalled.ws.pause();
    const ids = await floodUntil(flooder, shared, reading, () => peer.kinds().includes('bye'));

    expect((await peer.next('bye', inCall)).message).toMatchObject({ value: { reason: 'connection_lost' } });
    expect(reading.error).toBeUndefined();
    const last = ids.at(-1)!;
    reading.answer(last, 'answer-from-the-reading-terminal');
    await flooder.next('answer', last);
    // Reading again, the browser finds the socket closed as a slow consumer.
    const closed = new Promise<number>((resolve) => stalled.ws.once('close', resolve));
    stalled.ws.resume();
    expect(await closed).toBe(WsCloseCodes.slowConsumer);
  }, 120_000);
});
