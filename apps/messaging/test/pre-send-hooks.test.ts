import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreSendHookCall } from '@parley/protocol';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';

const MANAGER = { id: 'hooks-manager', secret: 'hooks-manager-secret-0123456789' };
const ADMIN = { id: 'hooks-admin', secret: 'hooks-admin-secret-0123456789ab' };
const READER = { id: 'reader-only', secret: 'reader-only-secret-0123456789ab' };

/** What a hook route answers; `undefined` leaves the call hanging (a hook that never answers). */
type HookBehaviour = (call: PreSendHookCall) => { status: number; body?: unknown } | undefined;

interface ReceivedCall {
  path: string;
  call: PreSendHookCall;
  headers: Record<string, string>;
}

/**
 * The customer's hook server: every call is verified with the standardwebhooks package against the
 * secret the route was given when its hook was created; an unverifiable call fails the test.
 */
class HookServer {
  readonly calls: ReceivedCall[] = [];
  readonly unverified: string[] = [];
  private readonly routes = new Map<string, { behaviour: HookBehaviour; secret?: string }>();
  private readonly hanging: ServerResponse[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  route(path: string, behaviour: HookBehaviour): string {
    this.routes.set(path, { behaviour });
    return `${this.url}${path}`;
  }

  setSecret(path: string, secret: string): void {
    this.routes.get(path)!.secret = secret;
  }

  callsTo(path: string): ReceivedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '';
    const route = this.routes.get(path);
    const headers = {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    };
    let call: PreSendHookCall;
    try {
      call = new Webhook(route!.secret!).verify(raw, headers) as PreSendHookCall;
    } catch {
      this.unverified.push(path);
      res.writeHead(401).end();
      return;
    }
    this.calls.push({ path, call, headers });
    const answer = route!.behaviour(call);
    if (!answer) {
      this.hanging.push(res);
      return;
    }
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
  }
}

let svc: MessagingUnderTest;
let hookServer: HookServer;
let ann: TestUser, ben: TestUser;
let managerToken: string, adminToken: string, readerToken: string;
const devices: TestDevice[] = [];

const textOf = (body: string, clientMessageId = `m-${Math.random().toString(36).slice(2)}`) => ({
  clientMessageId,
  parts: [{ mimeType: 'text/plain', body }],
});

async function clientToken(client: { id: string; secret: string }): Promise<string> {
  const res = await svc.api.post('/oauth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: client.id,
    client_secret: client.secret,
  });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

async function newConversation(type: 'direct' | 'group' = 'direct'): Promise<string> {
  const res = await svc.api.post('/v1/conversations', ann.token, { type, participants: [ben.id] });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Configures a hook for `scope` answered by `path` of the hook server, with the secret it is given. */
async function putHook(
  scope: string,
  path: string,
  behaviour: HookBehaviour,
  extra: { timeoutMs?: number; fallback?: 'accept' | 'reject' } = {},
) {
  const url = hookServer.route(path, behaviour);
  const res = await svc.api.request('PUT', `/v1/server/pre-send-hooks/${scope}`, {
    token: managerToken,
    body: { url, ...extra },
  });
  expect(res.status).toBe(201);
  expect(res.body.secret).toMatch(/^whsec_/);
  hookServer.setSecret(path, res.body.secret);
  return res.body;
}

const send = (conversationId: string, body: unknown) =>
  svc.api.post(`/v1/conversations/${conversationId}/messages`, ann.token, body);

async function historyTexts(conversationId: string): Promise<string[]> {
  const res = await svc.api.get(`/v1/conversations/${conversationId}/messages`, ann.token);
  return res.body.messages.flatMap((m: { parts: Array<{ body?: string }> }) => m.parts.map((p) => p.body));
}

async function connect(token: string): Promise<TestDevice> {
  const device = await TestDevice.connect(svc.url, token);
  devices.push(device);
  return device;
}

/** Every text the device received in message events of the conversation, in order. */
function receivedTexts(device: TestDevice, conversationId: string): string[] {
  return device
    .events()
    .filter((e) => e.conversationId === conversationId && e.type === 'message.sent')
    .flatMap((e) =>
      (e.payload as { message: { parts: Array<{ body?: string }> } }).message.parts.map((p) => p.body ?? ''),
    );
}

async function waitForText(device: TestDevice, conversationId: string, text: string): Promise<void> {
  await device.waitForEvent(
    (e) =>
      e.conversationId === conversationId &&
      e.type === 'message.sent' &&
      JSON.stringify(e.payload).includes(text),
  );
}

beforeAll(async () => {
  hookServer = new HookServer();
  await hookServer.start();
  svc = await startMessagingUnderTest('pre-send-hooks', {
    OAUTH_CLIENTS: JSON.stringify([
      { ...MANAGER, scopes: ['webhooks.manage'] },
      { ...ADMIN, scopes: ['admin'] },
      { ...READER, scopes: ['messages.read'] },
    ]),
    // The hook server listens on loopback, which hooks may not reach unless listed.
    OUTBOUND_ALLOWED_INTERNAL: '127.0.0.1',
  });
  [ann, ben] = await Promise.all([svc.api.newUser('ann'), svc.api.newUser('ben')]);
  [managerToken, adminToken, readerToken] = await Promise.all([
    clientToken(MANAGER),
    clientToken(ADMIN),
    clientToken(READER),
  ]);
});
afterAll(async () => {
  for (const d of devices) d.socket.close();
  await svc?.stop();
  await hookServer?.stop();
});

describe('the hook call', () => {
  it('is signed per Standard Webhooks with a fresh id per call and carries the message to decide on', async () => {
    const id = await newConversation();
    await putHook(`conversation:${id}`, '/accept', () => ({ status: 200, body: { action: 'accept' } }));
    const first = await send(id, { ...textOf('hello there'), mentions: [ben.id] });
    const second = await send(id, textOf('and again'));
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const calls = hookServer.callsTo('/accept');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.call).toMatchObject({
      type: 'message.pre_send',
      data: {
        conversationId: id,
        conversationType: 'direct',
        senderId: ann.id,
        clientMessageId: first.body.clientMessageId,
        parts: [{ mimeType: 'text/plain', body: 'hello there' }],
        mentions: [ben.id],
      },
    });
    expect(calls[0]!.headers['webhook-id']).not.toBe(calls[1]!.headers['webhook-id']);
    expect(hookServer.unverified).toEqual([]);
    expect(await historyTexts(id)).toEqual(['hello there', 'and again']);
  });

  it('accepts on a 2xx with an empty body', async () => {
    const id = await newConversation();
    await putHook(`conversation:${id}`, '/empty', () => ({ status: 204 }));
    const res = await send(id, textOf('fine as it is'));
    expect(res.status).toBe(201);
    expect(await historyTexts(id)).toEqual(['fine as it is']);
  });

  it('a rejection is a 422 with the hook reason; nothing is stored or delivered', async () => {
    const id = await newConversation();
    const benDevice = await connect(ben.token);
    await putHook(`conversation:${id}`, '/reject', (call) =>
      call.data.parts.some((p) => p.body?.includes('forbidden'))
        ? { status: 200, body: { action: 'reject', reason: 'no forbidden words here' } }
        : { status: 200, body: { action: 'accept' } },
    );
    const rejected = await send(id, textOf('a forbidden word'));
    expect(rejected.status).toBe(422);
    expect(rejected.body).toMatchObject({ code: 'rejected_by_hook', message: 'no forbidden words here' });
    const after = await send(id, textOf('a kind word'));
    expect(after.status).toBe(201);
    expect(after.body.seq).toBe(2);
    await waitForText(benDevice, id, 'a kind word');
    expect(receivedTexts(benDevice, id)).toEqual(['a kind word']);
    expect(await historyTexts(id)).toEqual(['a kind word']);
  });

  it('a non-2xx answer rejects with a generic reason', async () => {
    const id = await newConversation();
    await putHook(`conversation:${id}`, '/broken', () => ({ status: 500, body: { oops: true } }));
    const res = await send(id, textOf('anything'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('rejected_by_hook');
    expect(res.body.message).toBe('the message was rejected by a pre-send hook');
    expect(await historyTexts(id)).toEqual([]);
  });

  it('a replacement masks a card number: the other device and history only ever see the masked text', async () => {
    const id = await newConversation();
    const benDevice = await connect(ben.token);
    await putHook(`conversation:${id}`, '/mask', (call) => ({
      status: 200,
      body: {
        action: 'replace',
        parts: call.data.parts.map((p) => ({
          ...p,
          body: p.body?.replace(/\b(?:\d{4} ){3}(\d{4})\b/g, '**** **** **** $1'),
        })),
      },
    }));
    const res = await send(id, textOf('my card is 4111 1111 1111 1111, thanks'));
    expect(res.status).toBe(201);
    expect(res.body.parts[0].body).toBe('my card is **** **** **** 1111, thanks');
    await waitForText(benDevice, id, '**** **** **** 1111');
    expect(receivedTexts(benDevice, id)).toEqual(['my card is **** **** **** 1111, thanks']);
    expect(JSON.stringify(benDevice.frames)).not.toContain('4111 1111 1111 1111');
    expect(await historyTexts(id)).toEqual(['my card is **** **** **** 1111, thanks']);
  });

  it('a replacement a normal send would refuse falls back to the configured policy', async () => {
    const id = await newConversation();
    const bad = () => ({ status: 200, body: { action: 'replace', parts: [{ mimeType: 'nonsense' }] } });
    await putHook(`conversation:${id}`, '/bad-replace', bad);
    const accepted = await send(id, textOf('kept as sent'));
    expect(accepted.status).toBe(201);
    expect(await historyTexts(id)).toEqual(['kept as sent']);

    const strict = await newConversation();
    await putHook(`conversation:${strict}`, '/bad-replace-strict', bad, { fallback: 'reject' });
    const refused = await send(strict, textOf('not stored'));
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('hook_unavailable');
  });

  it('a hook that does not answer in time: fallback accept stores the message as sent', async () => {
    const id = await newConversation();
    await putHook(`conversation:${id}`, '/silent-accept', () => undefined, { timeoutMs: 150 });
    const res = await send(id, textOf('sent despite a silent hook'));
    expect(res.status).toBe(201);
    expect(hookServer.callsTo('/silent-accept')).toHaveLength(1);
    expect(await historyTexts(id)).toEqual(['sent despite a silent hook']);
  });

  it('a hook that does not answer in time: fallback reject answers 503 hook_unavailable and stores nothing', async () => {
    const id = await newConversation();
    await putHook(`conversation:${id}`, '/silent-reject', () => undefined, {
      timeoutMs: 150,
      fallback: 'reject',
    });
    const res = await send(id, textOf('held back'));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('hook_unavailable');
    expect(await historyTexts(id)).toEqual([]);
  });

  it("a conversation's own hook wins over its type's", async () => {
    const plain = await newConversation('group');
    const special = await newConversation('group');
    await putHook('type:group', '/type-group', () => ({
      status: 200,
      body: { action: 'replace', parts: [{ mimeType: 'text/plain', body: 'from the type hook' }] },
    }));
    await putHook(`conversation:${special}`, '/special', () => ({
      status: 200,
      body: { action: 'replace', parts: [{ mimeType: 'text/plain', body: 'from the conversation hook' }] },
    }));
    try {
      expect((await send(plain, textOf('x'))).body.parts[0].body).toBe('from the type hook');
      expect((await send(special, textOf('y'))).body.parts[0].body).toBe('from the conversation hook');
      expect(hookServer.callsTo('/type-group').map((c) => c.call.data.conversationId)).toEqual([plain]);
      expect(hookServer.callsTo('/special').map((c) => c.call.data.conversationId)).toEqual([special]);
    } finally {
      const removed = await svc.api.delete('/v1/server/pre-send-hooks/type:group', managerToken);
      expect(removed.status).toBe(204);
    }
    expect((await send(plain, textOf('no hook any more'))).body.parts[0].body).toBe('no hook any more');
  });

  it('a retried send with the same clientMessageId returns the first result without calling the hook again', async () => {
    const id = await newConversation();
    await putHook(`conversation:${id}`, '/once', () => ({
      status: 200,
      body: { action: 'replace', parts: [{ mimeType: 'text/plain', body: 'decided once' }] },
    }));
    const first = await send(id, textOf('retry me', 'retried-send'));
    const retry = await send(id, textOf('retry me', 'retried-send'));
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(hookServer.callsTo('/once')).toHaveLength(1);
  });

  it('is not called for a sender outside the conversation', async () => {
    const id = await newConversation();
    await putHook(`conversation:${id}`, '/outsider', () => ({ status: 200, body: { action: 'accept' } }));
    const outsider = await svc.api.newUser('out');
    const res = await svc.api.post(`/v1/conversations/${id}/messages`, outsider.token, textOf('let me in'));
    expect(res.status).toBe(404);
    expect(hookServer.callsTo('/outsider')).toHaveLength(0);
  });
});

describe('configuring hooks over REST', () => {
  const path = (scope: string) => `/v1/server/pre-send-hooks/${scope}`;

  it('creates with defaults, shows the secret on creation and rotation only, lists and deletes', async () => {
    const scope = `conversation:${await newConversation()}`;
    const url = `${hookServer.url}/config`;
    const created = await svc.api.request('PUT', path(scope), { token: managerToken, body: { url } });
    expect(created.status).toBe(201);
    expect(created.body.hook).toMatchObject({ scope, url, timeoutMs: 2000, fallback: 'accept' });
    expect(created.body.secret).toMatch(/^whsec_/);

    const updated = await svc.api.request('PUT', path(scope), {
      token: managerToken,
      body: { url, timeoutMs: 10_000, fallback: 'reject' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.hook).toMatchObject({ timeoutMs: 10_000, fallback: 'reject' });
    expect(updated.body.secret).toBeUndefined();

    const rotated = await svc.api.request('PUT', path(scope), {
      token: adminToken,
      body: { url, rotateSecret: true },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    const list = await svc.api.get('/v1/server/pre-send-hooks', adminToken);
    expect(list.status).toBe(200);
    expect(list.body.hooks.find((h: { scope: string }) => h.scope === scope)).toMatchObject({ url });
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    expect((await svc.api.delete(path(scope), managerToken)).status).toBe(204);
    expect((await svc.api.delete(path(scope), managerToken)).status).toBe(404);
  });

  it('refuses a missing token with 401', async () => {
    expect((await svc.api.get('/v1/server/pre-send-hooks')).status).toBe(401);
    const put = await svc.api.request('PUT', path('type:direct'), { body: { url: hookServer.url } });
    expect(put.status).toBe(401);
    expect((await svc.api.request('DELETE', path('type:direct'))).status).toBe(401);
  });

  it('refuses user tokens and clients without webhooks.manage or admin with 403', async () => {
    for (const token of [ann.token, readerToken]) {
      expect((await svc.api.get('/v1/server/pre-send-hooks', token)).status).toBe(403);
      const put = await svc.api.request('PUT', path('type:direct'), { token, body: { url: hookServer.url } });
      expect(put.status).toBe(403);
      expect((await svc.api.delete(path('type:direct'), token)).status).toBe(403);
    }
  });

  it('refuses bad urls, scopes and timeouts with 400', async () => {
    const put = (scope: string, body: unknown) =>
      svc.api.request('PUT', path(scope), { token: managerToken, body });
    const url = `${hookServer.url}/x`;
    for (const bad of ['not a url', 'ftp://example.com/hook', 'javascript:alert(1)', '', 42]) {
      expect((await put('type:direct', { url: bad })).status).toBe(400);
    }
    for (const scope of ['type:bogus', 'conversation:123', 'direct', 'type:', 'user:abc']) {
      expect((await put(scope, { url })).status).toBe(400);
    }
    for (const timeoutMs of [0, 10, 10_001, 1.5, '2000', -1]) {
      expect((await put('type:direct', { url, timeoutMs })).status).toBe(400);
    }
    expect((await put('type:direct', { url, fallback: 'maybe' })).status).toBe(400);
    expect((await put('type:direct', { url, extra: true })).status).toBe(400);
    expect((await put('type:direct', {})).status).toBe(400);
    // Internal addresses that are not listed: the answer names the range and the setting.
    for (const [internal, range] of [
      ['http://10.1.1.1/hook', /10\.1\.1\.1 is a private address/],
      ['http://169.254.169.254/latest/meta-data/', /linkLocal/],
      ['http://[::1]:6379/', /loopback/],
    ] as const) {
      const refused = await put('type:direct', { url: internal });
      expect(refused.status, internal).toBe(400);
      expect(JSON.stringify(refused.body), internal).toMatch(range);
      expect(JSON.stringify(refused.body), internal).toMatch(/OUTBOUND_ALLOWED_INTERNAL/);
    }
    expect((await svc.api.delete(path('type:nope'), managerToken)).status).toBe(400);
    expect((await svc.api.get('/v1/server/pre-send-hooks', managerToken)).body.hooks).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ scope: 'type:direct' })]),
    );
  });
});
