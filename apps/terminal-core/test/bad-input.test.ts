import { randomUUID } from 'node:crypto';
import { credentials, makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SDP_BYTES, TerminalErrorCode } from '@parley/protocol';
import type { GrpcTerminal } from './support/grpc-terminal.js';
import { TerminalFixture } from './support/terminal-fixture.js';

const world = new TerminalFixture('bad', '+4792');
const msisdn = () => world.msisdn();
const terminal = (number: string) => world.terminal(number);
const activeCall = () => world.activeCall();
let core: TerminalFixture['core'];

const errorCode = async (t: GrpcTerminal, callId?: string) => {
  const e = await t.next('error', callId);
  return e.message?.$case === 'error' ? e.message.value.err : undefined;
};

beforeAll(async () => {
  await world.start({ TERMINAL_MESSAGES_PER_SECOND: '10' });
  core = world.core;
});
afterEach(() => world.closeTerminals());
afterAll(async () => world.stop());

describe('bad input gets the matching Error and disturbs no other call', () => {
  it('a message with no kind gets UNKNOWN', async () => {
    const t = await terminal(msisdn());
    t.send({ callId: randomUUID() });
    expect(await errorCode(t)).toBe(TerminalErrorCode.UNKNOWN);
  });

  it('a kind only the core sends (InCall) gets UNKNOWN', async () => {
    const t = await terminal(msisdn());
    t.send({
      callId: randomUUID(),
      message: { $case: 'inCall', value: { msisdn: { e164: '+4790000001' } } },
    });
    expect(await errorCode(t)).toBe(TerminalErrorCode.UNKNOWN);
  });

  it('an Answer for an unknown call gets INVALID_CALL_ID', async () => {
    const t = await terminal(msisdn());
    const id = randomUUID();
    t.answer(id);
    expect(await errorCode(t, id)).toBe(TerminalErrorCode.INVALID_CALL_ID);
  });

  it('a MultiPipe Offer without a call_id gets INVALID_CALL_ID', async () => {
    const t = await terminal(msisdn());
    t.offer('', msisdn());
    expect(await errorCode(t)).toBe(TerminalErrorCode.INVALID_CALL_ID);
  });

  it('a Bye for someone else’s call gets NOT_INCALL and the call goes on', async () => {
    const { caller, callee, id } = await activeCall();
    const stranger = await terminal(msisdn());
    stranger.bye(id);
    expect(await errorCode(stranger, id)).toBe(TerminalErrorCode.NOT_INCALL);
    callee.offer(id, '', 'still-here');
    await caller.next('offer', id);
  });

  it('ToPhone outside a call gets NOT_INCALL', async () => {
    const { id } = await activeCall();
    const other = await terminal(msisdn());
    other.toPhone(id);
    expect(await errorCode(other, id)).toBe(TerminalErrorCode.NOT_INCALL);
  });

  it('an Offer with SDP over the size cap is refused with a Bye', async () => {
    const b = msisdn();
    const caller = await terminal(msisdn());
    const callee = await terminal(b);
    const id = randomUUID();
    caller.offer(id, b, 'x'.repeat(MAX_SDP_BYTES + 1));
    expect((await caller.next('bye', id)).message).toMatchObject({ value: { reason: 'sdp_too_large' } });
    expect(callee.kinds()).toEqual([]);
  });

  it('taking over a call that does not exist (an Offer with no callee) gets INVALID_CALL_ID', async () => {
    const t = await terminal(msisdn());
    const id = randomUUID();
    t.send({ callId: id, message: { $case: 'offer', value: { sdp: 'pull' } } });
    expect(await errorCode(t, id)).toBe(TerminalErrorCode.INVALID_CALL_ID);
  });

  it('an Offer to something that is not a phone number gets a Bye', async () => {
    const caller = await terminal(msisdn());
    const id = randomUUID();
    caller.offer(id, 'not-a-number');
    expect((await caller.next('bye', id)).message).toMatchObject({ value: { reason: 'invalid_msisdn' } });
  });

  it('reusing a call_id that is taken gets INVALID_CALL_ID', async () => {
    const { id } = await activeCall();
    const other = await terminal(msisdn());
    other.offer(id, msisdn());
    // Not the caller's msisdn nor the callee's: no call of this msisdn has that id.
    expect(await errorCode(other, id)).toBe(TerminalErrorCode.INVALID_CALL_ID);
  });

  it('a terminal flooding the core gets RATE_LIMIT_HIT while other calls go on', async () => {
    const { caller, callee, id } = await activeCall();
    const flooder = await terminal(msisdn());
    for (let i = 0; i < 60; i++)
      flooder.send({ callId: randomUUID(), message: { $case: 'ringing', value: {} } });
    await flooder.waitFor(
      (m) => m.message?.$case === 'error' && m.message.value.err === TerminalErrorCode.RATE_LIMIT_HIT,
      'RATE_LIMIT_HIT',
    );
    callee.offer(id, '', 'unaffected');
    await caller.next('offer', id);
  });

  it('malformed protobuf ends only that stream; the core keeps serving', async () => {
    const Raw = makeGenericClientConstructor(
      {
        multiPipe: {
          path: '/wgtwo.webterminal.v0.WebTerminalService/MultiPipe',
          requestStream: true,
          responseStream: true,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      'Raw',
    );
    const raw = new Raw(`127.0.0.1:${core.grpcPort}`, credentials.createInsecure());
    const md = new Metadata();
    md.set('authorization', `Bearer ${await world.tokenFor(msisdn())}`);
    const stream = (
      raw as unknown as {
        multiPipe: (
          m: Metadata,
        ) => NodeJS.ReadWriteStream & { on: (e: string, f: (x: unknown) => void) => void };
      }
    ).multiPipe(md);
    const failed = new Promise<unknown>((resolve) => stream.on('error', resolve));
    stream.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(await failed).toBeTruthy();
    raw.close();
    const { caller, callee, id } = await activeCall();
    callee.bye(id);
    await caller.next('bye', id);
  });

  it('serves the same service under Parley’s own name', async () => {
    const b = msisdn();
    const callee = await terminal(b);
    const Client = makeGenericClientConstructor(
      {
        multiPipe: {
          path: '/parley.webterminal.v0.WebTerminalService/MultiPipe',
          requestStream: true,
          responseStream: true,
          requestSerialize: (m: Buffer) => m,
          requestDeserialize: (b2: Buffer) => b2,
          responseSerialize: (m: Buffer) => m,
          responseDeserialize: (b2: Buffer) => b2,
        },
      },
      'ParleyNamed',
    );
    const { WebTerminalMessage } = await import('@parley/protocol');
    const client = new Client(`127.0.0.1:${core.grpcPort}`, credentials.createInsecure());
    const md = new Metadata();
    md.set('authorization', `Bearer ${await world.tokenFor(msisdn())}`);
    const stream = (client as unknown as { multiPipe: (m: Metadata) => NodeJS.ReadWriteStream }).multiPipe(
      md,
    );
    // No wait for registration: the core reads a stream only once it is registered, nothing is lost.
    const id = randomUUID();
    stream.write(
      Buffer.from(
        WebTerminalMessage.encode({
          callId: id,
          message: { $case: 'offer', value: { sdp: 's', msisdn: { e164: b } } },
        }).finish(),
      ),
    );
    await callee.next('offer', id);
    stream.end();
    client.close();
  });
});
