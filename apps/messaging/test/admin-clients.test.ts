import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClientsApi, ClientCredentialsTokens, ParleyRequestError } from '@parley/server-sdk';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';

const ADMIN = { id: 'ops-admin', secret: 'ops-admin-secret-0123456789', scopes: ['admin'] };
const NOT_ADMIN = { id: 'crm-seeded', secret: 'crm-seeded-secret-0123456789', scopes: ['webhooks.manage'] };

let svc: MessagingUnderTest;
let admin: AdminClientsApi;

function tokensOf(client: { id: string; secret: string }): ClientCredentialsTokens {
  return new ClientCredentialsTokens({
    messagingUrl: svc.url,
    clientId: client.id,
    clientSecret: client.secret,
  });
}

/** The status of a client-credentials token request with this id and secret. */
async function tokenStatus(id: string, secret: string): Promise<number> {
  const res = await svc.api.post('/oauth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: id,
    client_secret: secret,
  });
  return res.status;
}

async function refusal(promise: Promise<unknown>): Promise<ParleyRequestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParleyRequestError);
  return err as ParleyRequestError;
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('admin_clients', { OAUTH_CLIENTS: JSON.stringify([ADMIN, NOT_ADMIN]) });
  admin = new AdminClientsApi({ messagingUrl: svc.url, tokens: tokensOf(ADMIN) });
});
afterAll(async () => svc?.stop());

describe('machine clients through the admin API', () => {
  it('creates a client whose secret, shown once, gets a token with exactly its scopes', async () => {
    const { client, clientSecret } = await admin.create({
      name: 'CRM',
      scopes: ['server.messages', 'webhooks.manage'],
    });
    expect(client).toMatchObject({
      name: 'CRM',
      scopes: ['server.messages', 'webhooks.manage'],
      secretRotatedAt: null,
    });
    expect(client.id).toMatch(/^crm-[0-9a-f]{8}$/);
    const token = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: clientSecret,
    });
    expect(token.status).toBe(200);
    expect(token.body.scope.split(' ').sort()).toEqual(['server.messages', 'webhooks.manage']);

    expect(await admin.get(client.id)).toEqual(client);
    const listed = await admin.list();
    expect(listed).toContainEqual(client);
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
  });

  it('keeps the old secret working through the rotation overlap, and only the newest two after a second rotation', async () => {
    const { client, clientSecret: first } = await admin.create({
      name: 'rotating',
      scopes: ['server.messages'],
    });
    const rotated = await admin.rotateSecret(client.id);
    expect(rotated.clientSecret).not.toBe(first);
    expect(rotated.client.secretRotatedAt).not.toBeNull();
    expect(await tokenStatus(client.id, rotated.clientSecret)).toBe(200);
    expect(await tokenStatus(client.id, first)).toBe(200);

    const again = await admin.rotateSecret(client.id);
    expect(await tokenStatus(client.id, again.clientSecret)).toBe(200);
    expect(await tokenStatus(client.id, rotated.clientSecret)).toBe(200);
    expect(await tokenStatus(client.id, first)).toBe(401);
  });

  it('revokes a client: its token requests fail, it leaves the list and reads as unknown', async () => {
    const { client, clientSecret } = await admin.create({ name: 'leaving', scopes: ['server.events.read'] });
    await admin.revoke(client.id);
    expect(await tokenStatus(client.id, clientSecret)).toBe(401);
    expect((await admin.list()).map((c) => c.id)).not.toContain(client.id);
    expect((await refusal(admin.get(client.id))).status).toBe(404);
    expect((await refusal(admin.rotateSecret(client.id))).status).toBe(404);
    expect((await refusal(admin.revoke(client.id))).status).toBe(404);
  });

  it('refuses scopes it does not know, naming them, and creates nothing', async () => {
    const before = (await admin.list()).length;
    const err = await refusal(
      admin.create({ name: 'greedy', scopes: ['server.messages', 'root', 'everything'] }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain('root, everything');
    expect(await admin.list()).toHaveLength(before);
  });

  it('refuses bodies off the schema with 400', async () => {
    const token = await tokensOf(ADMIN).token();
    for (const body of [
      {},
      { name: '', scopes: ['server.messages'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['has space'] },
      { name: 'x', scopes: ['server.messages'], secret: 'chosen' },
      { name: 'x'.repeat(101), scopes: ['server.messages'] },
    ]) {
      const res = await svc.api.post('/v1/admin/clients', token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('answers 401 without a token, 403 without the admin scope and 403 to users', async () => {
    expect((await svc.api.get('/v1/admin/clients')).status).toBe(401);
    const notAdmin = new AdminClientsApi({ messagingUrl: svc.url, tokens: tokensOf(NOT_ADMIN) });
    expect((await refusal(notAdmin.list())).status).toBe(403);
    const user = await svc.api.newUser('curious');
    expect((await svc.api.get('/v1/admin/clients', user.token)).status).toBe(403);
    expect(
      (await svc.api.post('/v1/admin/clients', user.token, { name: 'x', scopes: ['admin'] })).status,
    ).toBe(403);
  });

  it('answers 404 for an unknown client', async () => {
    expect((await refusal(admin.get('no-such-client'))).status).toBe(404);
  });
});
