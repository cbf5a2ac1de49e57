import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TerminalErrorCode, WebTerminalMessage } from '@parley/protocol';
import { eventually } from '@parley/testing';
import type { RunningTerminalCore } from './support/core-under-test.js';
import type { GrpcTerminal } from './support/grpc-terminal.js';
import { TerminalFixture } from './support/terminal-fixture.js';
import { upgradeStatus, WsTerminal, type JsonFrame } from './support/ws-terminal.js';

const world = new TerminalFixture('cluster', '+4793');
const msisdn = () => world.msisdn();
let node1: RunningTerminalCore;
let node2: RunningTerminalCore;

const grpcTerminal = (node: RunningTerminalCore, number: string): Promise<GrpcTerminal> =>
  world.terminal(number, 'multi', node);

/** A bridge terminal on `node`, closed with the fixture's terminals. */
const wsTerminal = (node: RunningTerminalCore, token: string, mode = 'multi'): Promise<WsTerminal> =>
  WsTerminal.open(node, token, (t) => world.track(t), mode);

beforeAll(async () => {
  await world.start({}, ['node-one', 'node-two']);
  [node1, node2] = world.nodes as [RunningTerminalCore, RunningTerminalCore];
});
afterAll(async () => world.stop());

describe('two core nodes serve one deployment', () => {
  it('connects a call between terminals registered on different nodes, both ways', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const caller = await grpcTerminal(node1, a);
    const callee = await grpcTerminal(node2, b);
    const id = randomUUID();
    caller.offer(id, b, 'sdp-a');
    expect((await callee.next('offer', id)).message).toMatchObject({
      value: { sdp: 'sdp-a', msisdn: { e164: a } },
    });
    callee.ringing(id);
    await caller.next('ringing', id);
    callee.answer(id, 'sdp-b');
    expect((await caller.next('answer', id)).message).toMatchObject({ value: { sdp: 'sdp-b' } });
    callee.bye(id);
    await caller.next('bye', id);
  });

  it('forks across nodes and lets exactly one of two racing Answers win', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const caller = await grpcTerminal(node1, a);
    const onOne = await grpcTerminal(node1, b);
    const onTwo = await grpcTerminal(node2, b);
    const id = randomUUID();
    caller.offer(id, b);
    await onOne.next('offer', id);
    await onTwo.next('offer', id);
    onOne.answer(id, 'from-one');
    onTwo.answer(id, 'from-two');
    await caller.next('answer', id);
    // The loser is told the call was answered elsewhere, and its own Answer, decided after the winner's,
    // is refused: once that refusal is back, no second Answer can be on its way to the caller.
    const losers = await eventually(() => {
      const withBye = [onOne, onTwo].filter((t) => t.kinds().includes('bye'));
      return withBye.length > 0 ? withBye : undefined;
    }, 'a Bye to the losing terminal');
    expect(losers).toHaveLength(1);
    const loser = losers[0]!;
    expect((await loser.next('bye', id)).message).toMatchObject({ value: { reason: 'answered_elsewhere' } });
    expect((await loser.next('error', id)).message).toMatchObject({
      value: { err: TerminalErrorCode.NOT_INCALL },
    });
    expect(caller.kinds().filter((k) => k === 'answer')).toEqual([]);
    expect([onOne, onTwo].filter((t) => t.kinds().includes('bye'))).toEqual([]);
  });

  it('ends a call when a terminal on the other node drops', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const caller = await grpcTerminal(node1, a);
    const callee = await grpcTerminal(node2, b);
    const id = randomUUID();
    caller.offer(id, b);
    await callee.next('offer', id);
    callee.answer(id);
    await caller.next('answer', id);
    callee.cancel();
    expect((await caller.next('bye', id)).message).toMatchObject({
      value: { reason: 'connection_lost' },
    });
  });
});

describe('WebSocket bridge for browsers', () => {
  it('refuses bad tokens, missing scope and unknown modes at the upgrade', async () => {
    const base = `${node1.httpUrl.replace('http', 'ws')}/v1/terminal`;
    expect(await upgradeStatus(base)).toBe(401);
    expect(
      await upgradeStatus(`${base}?access_token=${await world.tokenFor(msisdn(), ['messages.read'])}`),
    ).toBe(403);
    expect(await upgradeStatus(`${base}?access_token=${await world.tokenFor(undefined)}`)).toBe(403);
    expect(await upgradeStatus(`${base}?access_token=${await world.tokenFor(msisdn())}&mode=fancy`)).toBe(
      400,
    );
  });

  it('carries a call between a browser terminal (canonical JSON) and a gRPC terminal on another node', async () => {
    const [a, b] = [msisdn(), msisdn()];
    const browser = await wsTerminal(node2, await world.tokenFor(a));
    const desk = await grpcTerminal(node1, b);
    const id = randomUUID();
    browser.send({ offer: { sdp: 'browser-sdp', msisdn: { e164: b } }, callId: id });
    expect((await desk.next('offer', id)).message).toMatchObject({
      value: { sdp: 'browser-sdp', msisdn: { e164: a } },
    });
    desk.ringing(id);
    expect(await browser.next('ringing', id)).toEqual({ ringing: {}, callId: id });
    desk.answer(id, 'desk-sdp');
    expect(await browser.next('answer', id)).toEqual({ answer: { sdp: 'desk-sdp' }, callId: id });
    browser.send({ bye: {}, callId: id });
    await desk.next('bye', id);
  });

  it('answers a frame that is not a WebTerminalMessage with an Error and keeps the socket', async () => {
    const t = await wsTerminal(node1, await world.tokenFor(msisdn()));
    t.send('{not json');
    // Canonical JSON leaves out default values: UNKNOWN (0) has no `err` field.
    const unknown = WebTerminalMessage.fromJSON(await t.next('error'));
    expect(unknown.message).toMatchObject({
      $case: 'error',
      value: { err: TerminalErrorCode.UNKNOWN, message: expect.stringMatching(/canonical JSON/) },
    });
    t.send({ answer: { sdp: 'x' }, callId: randomUUID() });
    expect(await t.next('error')).toMatchObject({ error: { err: 'INVALID_CALL_ID' } });
  });

  it('handles frames sent the moment the socket opens, in order', async () => {
    const b = msisdn();
    const desk = await grpcTerminal(node1, b);
    const ws = new WebSocket(
      `${node2.httpUrl.replace('http', 'ws')}/v1/terminal?access_token=${await world.tokenFor(msisdn())}`,
    );
    world.track({ close: () => ws.close() });
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await new Promise((resolve) => ws.once('open', resolve));
    for (const id of ids)
      ws.send(JSON.stringify({ offer: { sdp: `early-${id}`, msisdn: { e164: b } }, callId: id }));
    for (const id of ids) await desk.next('offer', id);
  });

  it('registers a terminal before its socket opens: a call placed the moment it opens rings it', async () => {
    const b = msisdn();
    const caller = await grpcTerminal(node1, msisdn());
    const ws = new WebSocket(
      `${node2.httpUrl.replace('http', 'ws')}/v1/terminal?access_token=${await world.tokenFor(b)}`,
    );
    world.track({ close: () => ws.close() });
    const frames: JsonFrame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as JsonFrame));
    await new Promise((resolve) => ws.once('open', resolve));
    const id = randomUUID();
    caller.offer(id, b);
    const offer = await eventually(
      () => frames.find((f) => f.callId === id && 'offer' in f),
      'the offer on the socket that just opened',
    );
    expect(offer).toMatchObject({ offer: { sdp: expect.any(String) } });
    expect(caller.kinds()).not.toContain('bye');
  });

  it('a Pipe over the bridge gets Idle on opening', async () => {
    const t = await wsTerminal(node1, await world.tokenFor(msisdn()), 'pipe');
    // An empty call_id is a default value, so canonical JSON omits it.
    expect(await t.next('idle')).toEqual({ idle: {} });
  });
});
