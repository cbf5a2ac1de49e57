// The support REST routes: who may use them, bad input, and paging through call records.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OperatorAvailability, SupportLine, VoiceCallPage } from '@parley/protocol';
import { PROXY_CLIENT, SupportWorld } from './support/support-world.js';

const world = new SupportWorld('rest', 30);

beforeAll(async () => {
  await world.startMessaging();
  await world.startProxy();
});
afterEach(() => world.offDuty());
afterAll(() => world.stop());

const routes: Array<[string, string, unknown?]> = [
  ['GET', '/v1/support'],
  ['PUT', '/v1/support/availability', { available: true }],
  ['GET', '/v1/support/calls'],
];

describe('authentication', () => {
  it.each(routes)('%s %s without a token, or with a forged one, is 401', async (method, path, body) => {
    expect((await world.proxyApi(method, path, undefined, body)).status).toBe(401);
    const forged = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect((await world.proxyApi(method, path, forged, body)).status).toBe(401);
  });
});

describe('GET /v1/support', () => {
  it('tells a customer the line and nothing about operators', async () => {
    const customer = await world.customer();
    const res = await world.proxyApi('GET', '/v1/support', customer.token);
    expect(res.status).toBe(200);
    expect(SupportLine.parse(res.body)).toEqual({ line: PROXY_CLIENT.id, operator: null });
  });

  it('tells an operator their own status', async () => {
    const op = await world.operator('Wendy Operator', { onDuty: false });
    expect((await world.proxyApi('GET', '/v1/support', op.token)).body).toEqual({
      line: PROXY_CLIENT.id,
      operator: { available: false, inCall: false },
    });
  });
});

describe('PUT /v1/support/availability', () => {
  it('puts an operator on duty (idle since now) and off again', async () => {
    const op = await world.operator('Xena Operator', { onDuty: false });
    const before = Date.now();
    const on = await world.proxyApi('PUT', '/v1/support/availability', op.token, { available: true });
    expect(on.status).toBe(200);
    const availability = OperatorAvailability.parse(on.body);
    expect(availability).toMatchObject({ available: true, inCall: false });
    expect(Date.parse(availability.idleSince!)).toBeGreaterThanOrEqual(before - 1000);
    // Going on duty twice keeps the place in the queue.
    const again = await world.proxyApi('PUT', '/v1/support/availability', op.token, { available: true });
    expect(again.body.idleSince).toBe(availability.idleSince);
    const off = await world.proxyApi('PUT', '/v1/support/availability', op.token, { available: false });
    expect(off.body).toEqual({ available: false, inCall: false, idleSince: null });
  });

  it('is 403 for a user who is not an operator and for a machine client', async () => {
    const customer = await world.customer();
    const res = await world.proxyApi('PUT', '/v1/support/availability', customer.token, { available: true });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: 403 });
    const admin = await world.adminToken();
    expect((await world.proxyApi('PUT', '/v1/support/availability', admin, { available: true })).status).toBe(
      403,
    );
  });

  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['a string for the flag', { available: 'yes' }],
    ['an unknown field', { available: true, until: '2030-01-01' }],
    ['an array', [true]],
    ['malformed JSON', '{"available": tru'],
  ])('is 400 for %s', async (_what, body) => {
    const op = await world.operator('Yuri Operator', { onDuty: false });
    const res = await world.proxyApi('PUT', '/v1/support/availability', op.token, body);
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});

describe('GET /v1/support/calls', () => {
  it('is 403 for someone who is neither an operator nor an admin', async () => {
    const customer = await world.customer();
    expect((await world.proxyApi('GET', '/v1/support/calls', customer.token)).status).toBe(403);
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=ten'],
    ['cursor=not-a-cursor'],
    [`cursor=${Buffer.from('{"startedAt":"yesterday","id":"x"}').toString('base64url')}`],
    ['sort=asc'],
  ])('is 400 for ?%s', async (query) => {
    const op = await world.operator('Zoe Operator', { onDuty: false });
    const res = await world.proxyApi('GET', `/v1/support/calls?${query}`, op.token);
    expect(res.status).toBe(400);
  });

  it('pages newest first with a keyset cursor: an admin sees every call, an operator only theirs', async () => {
    const op = await world.operator('Abe Operator');
    const customer = await world.customer();
    const answered = await world.call(customer);
    await op.socket.next('start', answered);
    await world.toLine(customer, customer, answered, 'stop');
    await customer.socket.next('summary', answered);
    await world.offDuty();
    // Three more calls nobody is on duty for.
    const missed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const other = await world.customer();
      const callId = await world.call(other);
      await other.socket.next('summary', callId);
      missed.push(callId);
    }

    const admin = await world.adminToken();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await world.proxyApi(
        'GET',
        `/v1/support/calls?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      expect(res.status).toBe(200);
      const page = VoiceCallPage.parse(res.body);
      expect(page.calls.length).toBeLessThanOrEqual(2);
      seen.push(...page.calls.map((c) => c.callId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    const ours = seen.filter((id) => [answered, ...missed].includes(id));
    expect(ours).toEqual([...missed].reverse().concat(answered));
    expect(new Set(seen).size).toBe(seen.length);

    const own = VoiceCallPage.parse((await world.proxyApi('GET', '/v1/support/calls', op.token)).body);
    expect(own.calls.map((c) => c.callId)).toEqual([answered]);
    expect(own.nextCursor).toBeNull();
    expect(own.calls[0]).toMatchObject({
      endReason: 'caller-cancelled',
      operatorId: null,
      durationSeconds: 0,
    });
  });
});

describe('health', () => {
  it('is ready with its token from messaging, and not ready (503, naming the check) when messaging refuses it', async () => {
    const ready = await fetch(`${world.proxyUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, { status: string }> }).checks).toMatchObject({
      postgres: { status: 'up' },
      redis: { status: 'up' },
      'messaging-token': { status: 'up' },
    });
    const misconfigured = await world.startProxy({ VOICE_PROXY_CLIENT_SECRET: 'not-the-registered-secret' });
    const res = await fetch(`${misconfigured.url}/health/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, { status: string; error?: string }> };
    expect(body.checks['messaging-token']).toMatchObject({ status: 'down' });
    expect(body.checks['messaging-token']!.error).toContain('OAUTH_CLIENTS');
    await misconfigured.close();
  });
});
