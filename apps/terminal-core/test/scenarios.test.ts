import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TerminalErrorCode } from '@parley/protocol';
import { GrpcTerminal } from './support/grpc-terminal.js';
import { TerminalFixture } from './support/terminal-fixture.js';

const world = new TerminalFixture('scn', '+4791');
const msisdn = () => world.msisdn();
const terminal = (number: string, mode: 'pipe' | 'multi' = 'multi') => world.terminal(number, mode);
const open = { push: (t: GrpcTerminal) => world.track(t) };
let core: TerminalFixture['core'];

beforeAll(async () => {
  await world.start({ TERMINAL_MESSAGES_PER_SECOND: '50' });
  core = world.core;
});
afterEach(() => world.closeTerminals());
afterAll(async () => world.stop());

describe('authentication', () => {
  it('refuses a stream without a token with UNAUTHENTICATED', async () => {
    const t = GrpcTerminal.open(core.grpcPort, undefined);
    open.push(t);
    expect((await t.waitForError()).code).toBe(status.UNAUTHENTICATED);
  });

  it('refuses a forged token with UNAUTHENTICATED', async () => {
    const t = GrpcTerminal.open(core.grpcPort, 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln');
    open.push(t);
    expect((await t.waitForError()).code).toBe(status.UNAUTHENTICATED);
  });

  it('refuses a token without call.control.answer_and_initiate with PERMISSION_DENIED', async () => {
    const t = GrpcTerminal.open(core.grpcPort, await world.tokenFor(msisdn(), ['messages.read']));
    open.push(t);
    expect((await t.waitForError()).code).toBe(status.PERMISSION_DENIED);
  });

  it('refuses a token without an msisdn with PERMISSION_DENIED', async () => {
    const t = GrpcTerminal.open(core.grpcPort, await world.tokenFor(undefined));
    open.push(t);
    expect((await t.waitForError()).code).toBe(status.PERMISSION_DENIED);
  });
});

describe('initiating and receiving a call', () => {
  it('Offer → Ringing → Answer → Bye, with each side seeing the other', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const caller = await terminal(a);
    const callee = await terminal(b);
    const id = randomUUID();
    caller.offer(id, b, 'sdp-of-a');
    const offer = await callee.next('offer', id);
    expect(offer.message).toEqual({ $case: 'offer', value: { sdp: 'sdp-of-a', msisdn: { e164: a } } });
    callee.ringing(id);
    await caller.next('ringing', id);
    callee.answer(id, 'sdp-of-b');
    expect((await caller.next('answer', id)).message).toEqual({
      $case: 'answer',
      value: { sdp: 'sdp-of-b' },
    });
    caller.bye(id);
    expect((await callee.next('bye', id)).message).toMatchObject({
      $case: 'bye',
      value: { reason: 'hangup' },
    });
  });

  it('a rejected call ends with a Bye to the caller', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const caller = await terminal(a);
    const callee = await terminal(b);
    const id = randomUUID();
    caller.offer(id, b);
    await callee.next('offer', id);
    callee.bye(id, 'rejected');
    expect((await caller.next('bye', id)).message).toMatchObject({ value: { reason: 'rejected' } });
  });

  it('an offer to an msisdn with no terminal gets a Bye saying the callee is offline', async () => {
    const caller = await terminal(msisdn());
    const id = randomUUID();
    caller.offer(id, msisdn());
    expect((await caller.next('bye', id)).message).toMatchObject({ value: { reason: 'callee_offline' } });
  });

  it('forks to every terminal of the callee; the first Answer wins and the others get Bye', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const caller = await terminal(a);
    const phone = await terminal(b);
    const desk = await terminal(b);
    const id = randomUUID();
    caller.offer(id, b);
    await phone.next('offer', id);
    await desk.next('offer', id);
    desk.answer(id);
    await caller.next('answer', id);
    expect((await phone.next('bye', id)).message).toMatchObject({ value: { reason: 'answered_elsewhere' } });
    // The other terminal of the callee now observes the call.
    expect((await phone.next('inCall', id)).message).toEqual({
      $case: 'inCall',
      value: { msisdn: { e164: b } },
    });
    caller.bye(id);
    await desk.next('bye', id);
    await phone.next('idle', id);
  });
});

describe('observing status, transfers and the phone', () => {
  it('a Pipe opening gets Idle with an empty call_id, or InCall when its msisdn is in a call', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const idlePipe = GrpcTerminal.open(core.grpcPort, await world.tokenFor(a), 'pipe');
    open.push(idlePipe);
    expect((await idlePipe.next('idle')).callId).toBe('');
    const caller = await terminal(b);
    const callee = await terminal(a);
    const id = randomUUID();
    caller.offer(id, a);
    await callee.next('offer', id);
    await idlePipe.next('offer', id); // the idle Pipe of the callee rings too
    callee.answer(id);
    await caller.next('answer', id);
    const laterPipe = GrpcTerminal.open(core.grpcPort, await world.tokenFor(a), 'pipe');
    open.push(laterPipe);
    expect(await laterPipe.next('inCall')).toMatchObject({
      callId: id,
      message: { value: { msisdn: { e164: a } } },
    });
    caller.bye(id);
    expect((await laterPipe.next('idle')).callId).toBe('');
  });

  it('a Pipe in a call refuses a second Offer with TRY_AGAIN and ignores call_id for its call', async () => {
    const [a, b, c] = [msisdn(), msisdn(), msisdn()];
    const pipe = await terminal(a, 'pipe');
    const callee = await terminal(b);
    await terminal(c);
    pipe.offer('', b); // Pipe: the core picks the call id
    const offer = await callee.next('offer');
    callee.answer(offer.callId);
    await pipe.next('answer');
    pipe.offer('', c);
    expect((await pipe.next('error')).message).toMatchObject({ value: { err: TerminalErrorCode.TRY_AGAIN } });
    pipe.bye('whatever-id-is-ignored');
    await callee.next('bye', offer.callId);
  });

  it('transfers a call to another terminal of the msisdn that offers with the InCall call_id', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const caller = await terminal(a);
    const laptop = await terminal(b);
    const desk = await terminal(b);
    const id = randomUUID();
    caller.offer(id, b);
    await laptop.next('offer', id);
    await desk.next('offer', id);
    laptop.answer(id);
    await caller.next('answer', id);
    await desk.next('bye', id); // answered elsewhere
    const inCall = await desk.next('inCall', id);
    desk.offer(inCall.callId, '', 'sdp-of-desk');
    const reoffer = await caller.next('offer', id);
    expect(reoffer.message).toMatchObject({ value: { sdp: 'sdp-of-desk' } });
    caller.answer(id, 'sdp-for-desk');
    expect((await desk.next('answer', id)).message).toMatchObject({ value: { sdp: 'sdp-for-desk' } });
    expect((await laptop.next('bye', id)).message).toMatchObject({ value: { reason: 'moved' } });
    await laptop.next('inCall', id);
    desk.bye(id);
    await caller.next('bye', id);
  });

  it('moves a call to the mobile phone: InCall, then Idle when it ends', async () => {
    const { caller, callee, id, b } = await world.activeCall();
    callee.toPhone(id);
    expect(await callee.next('inCall', id)).toMatchObject({ message: { value: { msisdn: { e164: b } } } });
    caller.bye(id);
    await callee.next('idle', id);
  });

  it('relays a renegotiation Offer mid-call and the Answer back', async () => {
    const { caller, callee, id, b } = await world.activeCall();
    callee.offer(id, '', 'renegotiated-sdp');
    expect((await caller.next('offer', id)).message).toMatchObject({
      value: { sdp: 'renegotiated-sdp', msisdn: { e164: b } },
    });
    caller.answer(id, 'renegotiated-answer');
    expect((await callee.next('answer', id)).message).toMatchObject({
      value: { sdp: 'renegotiated-answer' },
    });
  });

  it('ends the calls of a stream that drops, with a Bye to the other party', async () => {
    const { caller, callee, id } = await world.activeCall();
    const started = Date.now();
    callee.cancel();
    expect((await caller.next('bye', id)).message).toMatchObject({
      value: { reason: 'connection_lost' },
    });
    // Noticed from the cancelled stream itself, well before gRPC keepalive (20 s + 10 s) would notice.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
