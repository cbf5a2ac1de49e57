// Guests: sites and their origins, the widget's guest tokens, resume, guests made by a backend, merge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuestSession, MergeGuestResponse, SiteList, SiteResponse, type Site } from '@parley/protocol';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';

const ADMIN = { id: 'guests-admin', secret: 'guests-admin-secret-0123456789', scopes: ['admin'] };
const BACKEND = { id: 'shop-backend', secret: 'shop-backend-secret-0123456789', scopes: ['guests.create'] };
const OTHER = { id: 'crm-other', secret: 'crm-other-secret-0123456789', scopes: ['server.messages'] };
const ORIGIN = 'https://shop.example';
const TTL = 900;

let svc: MessagingUnderTest;
let adminToken: string;
let backendToken: string;
let site: Site;
let ann: TestUser;

async function clientToken(client: { id: string; secret: string }): Promise<string> {
  const res = await svc.api.post('/oauth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: client.id,
    client_secret: client.secret,
  });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

/** The widget's request, as a browser on `origin` sends it. */
async function widget(body: unknown, origin: string | null = ORIGIN): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (origin !== null) headers.origin = origin;
  const res = await fetch(`${svc.url}/v1/guests/widget`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function newWidgetGuest(): Promise<GuestSession> {
  const res = await widget({ siteKey: site.siteKey });
  expect(res.status).toBe(200);
  return GuestSession.parse(res.body);
}

function jwtClaims(token: string): { exp: number; iat: number; scope?: string; scopes?: string[] } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('guests', {
    OAUTH_CLIENTS: JSON.stringify([ADMIN, BACKEND, OTHER]),
    GUEST_TOKEN_TTL_SECONDS: String(TTL),
    RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: '40',
  });
  adminToken = await clientToken(ADMIN);
  backendToken = await clientToken(BACKEND);
  const created = await svc.api.post('/v1/admin/sites', adminToken, {
    name: 'Shop',
    allowedOrigins: [ORIGIN, 'http://localhost:5173'],
  });
  expect(created.status).toBe(201);
  site = SiteResponse.parse(created.body).site;
  ann = await svc.api.newUser('ann');
});
afterAll(async () => svc?.stop());

describe('sites', () => {
  it('registers a site with a public key and lists it to admins', async () => {
    expect(site).toMatchObject({ name: 'Shop', allowedOrigins: [ORIGIN, 'http://localhost:5173'] });
    expect(site.siteKey).toMatch(/^site_[0-9a-f]{32}$/);
    const list = await svc.api.get('/v1/admin/sites', adminToken);
    expect(list.status).toBe(200);
    expect(SiteList.parse(list.body).sites).toContainEqual(site);
  });

  it('refuses bad sites and callers without admin', async () => {
    for (const body of [
      { name: 'x', allowedOrigins: [] },
      { name: 'x', allowedOrigins: ['https://shop.example/path'] },
      { name: 'x', allowedOrigins: ['shop.example'] },
      { name: '', allowedOrigins: [ORIGIN] },
      { name: 'x', allowedOrigins: [ORIGIN], extra: 1 },
    ]) {
      expect((await svc.api.post('/v1/admin/sites', adminToken, body)).status).toBe(400);
    }
    expect(
      (await svc.api.post('/v1/admin/sites', undefined, { name: 'x', allowedOrigins: [ORIGIN] })).status,
    ).toBe(401);
    expect((await svc.api.get('/v1/admin/sites', backendToken)).status).toBe(403);
    expect((await svc.api.get('/v1/admin/sites', ann.token)).status).toBe(403);
  });
});

describe('browser origins', () => {
  async function preflight(origin: string, path = '/v1/guests/widget'): Promise<Headers> {
    const res = await fetch(`${svc.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    // An allowed origin's preflight ends here (204); any other falls through to the routes.
    expect(res.status === 204).toBe(res.headers.has('access-control-allow-origin'));
    return res.headers;
  }

  it("lets a registered site's pages call the API from the browser, without listing them in CORS_ORIGINS", async () => {
    expect((await preflight(ORIGIN)).get('access-control-allow-origin')).toBe(ORIGIN);
    expect(
      (await preflight('http://localhost:5173', '/v1/conversations')).get('access-control-allow-origin'),
    ).toBe('http://localhost:5173');
  });

  it('gives other origins no CORS permission', async () => {
    for (const origin of ['https://evil.example', 'https://shop.example:8443', 'http://shop.example'])
      expect((await preflight(origin)).get('access-control-allow-origin')).toBeNull();
  });

  it('allows a site registered on this node at once', async () => {
    const origin = 'https://later.example';
    expect((await preflight(origin)).get('access-control-allow-origin')).toBeNull();
    const created = await svc.api.post('/v1/admin/sites', adminToken, {
      name: 'Later',
      allowedOrigins: [origin],
    });
    expect(created.status).toBe(201);
    expect((await preflight(origin)).get('access-control-allow-origin')).toBe(origin);
  });
});

describe('the widget', () => {
  it('makes a guest for a visitor on an allowed origin, with a short-lived token for messages only', async () => {
    const session = await newWidgetGuest();
    expect(session.guest.displayName).toMatch(/^Visitor [0-9A-F]{4}$/);
    expect(session.guestSecret).toBeTruthy();
    expect(session.tokens.scope.split(' ').sort()).toEqual(['messages.read', 'messages.write']);
    expect(session.tokens.refresh_token).toBeUndefined();
    expect(session.tokens.expires_in).toBe(TTL);
    const claims = jwtClaims(session.tokens.access_token);
    expect(claims.exp - claims.iat).toBe(TTL);
    expect(claims.exp).toBe(session.tokens.expires_at);
  });

  it('refuses a wrong, missing or look-alike origin and an unknown site key with 403', async () => {
    expect((await widget({ siteKey: site.siteKey }, 'https://evil.example')).status).toBe(403);
    expect((await widget({ siteKey: site.siteKey }, 'http://shop.example')).status).toBe(403);
    expect((await widget({ siteKey: site.siteKey }, null)).status).toBe(403);
    expect((await widget({ siteKey: 'site_unknown' })).status).toBe(403);
    expect((await widget({ siteKey: site.siteKey }, 'http://localhost:5173')).status).toBe(200);
  });

  it('refuses malformed requests with 400', async () => {
    expect((await widget({})).status).toBe(400);
    expect(
      (await widget({ siteKey: site.siteKey, resume: { guestId: 'nope', guestSecret: 'x' } })).status,
    ).toBe(400);
    expect((await widget({ siteKey: site.siteKey, extra: true })).status).toBe(400);
  });

  it('resumes the same guest with its secret, and only with it', async () => {
    const first = await newWidgetGuest();
    const again = await widget({
      siteKey: site.siteKey,
      resume: { guestId: first.guest.id, guestSecret: first.guestSecret },
    });
    expect(again.status).toBe(200);
    const resumed = GuestSession.parse(again.body);
    expect(resumed.guest).toEqual(first.guest);
    expect(resumed.guestSecret).toBeUndefined();
    expect(resumed.tokens.access_token).not.toBe(first.tokens.access_token);
    const me = await svc.api.get('/v1/conversations', resumed.tokens.access_token);
    expect(me.status).toBe(200);

    const wrong = await widget({
      siteKey: site.siteKey,
      resume: { guestId: first.guest.id, guestSecret: `${first.guestSecret}x` },
    });
    expect(wrong.status).toBe(403);
  });

  it('keeps guests out of the directory, conversation creation and admin routes', async () => {
    const { guest, tokens } = await newWidgetGuest();
    const token = tokens.access_token;
    expect((await svc.api.get('/v1/users?q=ann', token)).status).toBe(403);
    expect((await svc.api.get(`/v1/users/${ann.id}`, token)).status).toBe(403);
    expect(
      (await svc.api.post('/v1/conversations', token, { type: 'direct', participants: [ann.id] })).status,
    ).toBe(403);
    expect((await svc.api.get('/v1/admin/sites', token)).status).toBe(403);
    expect((await svc.api.get('/v1/admin/clients', token)).status).toBe(403);
    expect((await svc.api.post('/v1/guests', token, {})).status).toBe(403);
    // No password opens a guest's account.
    const login = await svc.api.post('/v1/auth/login', undefined, {
      username: guest.username,
      password: 'x',
    });
    expect(login.status).toBe(400);
  });
});

describe('guests made by a backend', () => {
  it('needs a machine client with guests.create', async () => {
    const res = await svc.api.post('/v1/guests', backendToken, { displayName: 'Order 1234' });
    expect(res.status).toBe(201);
    const session = GuestSession.parse(res.body);
    expect(session.guest.displayName).toBe('Order 1234');
    expect(session.tokens.scope).toBe('messages.read messages.write');
    expect(session.guestSecret).toBeTruthy();

    expect((await svc.api.post('/v1/guests', backendToken, {})).status).toBe(201);
    expect((await svc.api.post('/v1/guests', backendToken, { displayName: '' })).status).toBe(400);
    expect((await svc.api.post('/v1/guests', await clientToken(OTHER), {})).status).toBe(403);
    expect((await svc.api.post('/v1/guests', ann.token, {})).status).toBe(403);
    expect((await svc.api.post('/v1/guests', undefined, {})).status).toBe(401);
  });
});

describe('merging a guest into a user', () => {
  it("moves the guest's conversations to the user, who sees the participants events; the guest cannot resume", async () => {
    const session = await newWidgetGuest();
    const bob = await svc.api.newUser('bob');
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      title: 'order help',
      participants: [session.guest.id],
    });
    expect(conv.status).toBe(201);
    const conversationId = conv.body.conversation?.id ?? conv.body.id;
    const sent = await svc.api.post(
      `/v1/conversations/${conversationId}/messages`,
      session.tokens.access_token,
      {
        clientMessageId: 'guest-msg-1',
        parts: [{ mimeType: 'text/plain', body: 'where is my order?' }],
      },
    );
    expect(sent.status).toBe(201);

    const merged = await svc.api.post(`/v1/guests/${session.guest.id}/merge`, backendToken, {
      userId: bob.id,
    });
    expect(merged.status).toBe(200);
    expect(MergeGuestResponse.parse(merged.body)).toEqual({
      userId: bob.id,
      conversationIds: [conversationId],
    });

    const asBob = await svc.api.get(`/v1/conversations/${conversationId}`, bob.token);
    expect(asBob.status).toBe(200);
    const ids = (asBob.body.participants as { userId: string }[]).map((p) => p.userId).sort();
    expect(ids).toEqual([ann.id, bob.id].sort());
    const events = await svc.api.get(`/v1/conversations/${conversationId}/events?fromSeq=1`, bob.token);
    expect(events.status).toBe(200);
    const types = (events.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toContain('participants.added');
    expect(types).toContain('participants.removed');

    expect(
      (await svc.api.get(`/v1/conversations/${conversationId}`, session.tokens.access_token)).status,
    ).not.toBe(200);
    const resume = await widget({
      siteKey: site.siteKey,
      resume: { guestId: session.guest.id, guestSecret: session.guestSecret },
    });
    expect(resume.status).toBe(403);
    // Merging twice is refused.
    expect(
      (await svc.api.post(`/v1/guests/${session.guest.id}/merge`, backendToken, { userId: bob.id })).status,
    ).toBe(403);
  });

  it('refuses unknown guests, non-users, bad bodies and callers without guests.create or admin', async () => {
    const session = await newWidgetGuest();
    const other = await newWidgetGuest();
    const path = `/v1/guests/${session.guest.id}/merge`;
    expect(
      (
        await svc.api.post('/v1/guests/00000000-0000-4000-8000-000000000000/merge', backendToken, {
          userId: ann.id,
        })
      ).status,
    ).toBe(404);
    expect((await svc.api.post(`/v1/guests/${ann.id}/merge`, adminToken, { userId: ann.id })).status).toBe(
      404,
    );
    expect((await svc.api.post(path, backendToken, { userId: other.guest.id })).status).toBe(400);
    expect(
      (await svc.api.post(path, backendToken, { userId: '00000000-0000-4000-8000-000000000000' })).status,
    ).toBe(400);
    expect((await svc.api.post(path, backendToken, { userId: 'nope' })).status).toBe(400);
    expect((await svc.api.post('/v1/guests/nope/merge', backendToken, { userId: ann.id })).status).toBe(400);
    expect((await svc.api.post(path, ann.token, { userId: ann.id })).status).toBe(403);
    expect((await svc.api.post(path, await clientToken(OTHER), { userId: ann.id })).status).toBe(403);
    expect((await svc.api.post(path, undefined, { userId: ann.id })).status).toBe(401);
    // An admin may merge too.
    expect((await svc.api.post(path, adminToken, { userId: ann.id })).status).toBe(200);
  });
});

describe('rate limit', () => {
  it('limits widget requests per client address with 429 and Retry-After', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 45 && !limited; i++) {
      const res = await fetch(`${svc.url}/v1/guests/widget`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ siteKey: site.siteKey }),
      });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited?.status).toBe(429);
    expect(limited?.headers.get('retry-after')).toBeTruthy();
  });
});
