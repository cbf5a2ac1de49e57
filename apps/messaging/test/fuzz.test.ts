// Property-based fuzzing of every REST route (as listed in /openapi.json, so a new route is covered without
// touching this file) and of every WebSocket frame type: whatever arrives, the service answers with a 4xx or
// an error frame, never a 5xx, a dropped connection or a crash, and it still serves real users afterwards.
// A failure names the route, its smallest failing request and the seed. Knobs: FUZZ_SEED=<n> replays a run's
// inputs, FUZZ_ONLY=<text> fuzzes only the properties whose name contains it ('GET /v1/search', 'ws frames'),
// FUZZ_RUNS / FUZZ_WS_FRAMES / FUZZ_WS_UPGRADES set how many inputs, FUZZ_DEBUG=1 prints each route's
// statuses (to see how deep the inputs get).
import { isUtf8 } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { TokenIssuer } from '@parley/auth';
import {
  ClientFrame,
  findInputIssue,
  MessagingLimits,
  VoipLinkBody,
  type ServerFrame,
} from '@parley/protocol';
import { eventually } from '@parley/testing';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { pngImage, uploadFile } from './support/attachment-files.js';
import { TestDevice } from './support/device.js';
import { percentEncode, RawHttpClient, type RawRequest, type RawResponse } from './support/raw-http.js';
import {
  anyJson,
  deepJsonText,
  encodedBytes,
  headerText,
  hostileKey,
  hostileString,
  invalidUtf8,
  malformedJsonText,
  multipartBody,
  storableJson,
  storableString,
  valueFor,
  wideJsonText,
  type JsonSchema,
  type ShapeHints,
} from './support/hostile-input.js';

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 60);
const WS_FRAMES = Number(process.env.FUZZ_WS_FRAMES ?? 500);
const WS_UPGRADES = Number(process.env.FUZZ_WS_UPGRADES ?? 120);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const PASSWORD = 'correct horse battery';
const CLIENT = { id: 'fuzz-client', secret: 'fuzz-client-secret-0123456789' };
/** The socket's frame limit (realtime.gateway.ts); a larger frame ends the socket with 1009 by design. */
const MAX_FRAME_BYTES = 64 * 1024;

const counts = { httpInputs: 0, routes: 0, wsFrames: 0, wsReconnects: 0, wsUpgrades: 0, serverErrors: 0 };
const statuses = new Map<number, number>();

const storageDir = mkdtempSync(join(tmpdir(), 'parley-fuzz-attachments-'));
let svc: MessagingUnderTest;
let client: RawHttpClient;
/** A small real image, for uploads and as the seed of broken ones. */
let png: Buffer;
let ann: TestUser, ben: TestUser, cat: TestUser, dan: TestUser;
/** Bearer tokens that must never get further than a 401 or 403, by what is wrong with them. */
let refusedTokens: Record<string, string>;

beforeAll(async () => {
  svc = await startMessagingUnderTest('fuzz', {
    OAUTH_CLIENTS: JSON.stringify([{ ...CLIENT, scopes: ['messages.read', 'messages.write'] }]),
    ATTACHMENT_DIR: storageDir,
    ATTACHMENT_MAX_BYTES: '200000',
    // Long runs (FUZZ_RUNS) must not outlive the users' tokens.
    ACCESS_TOKEN_TTL_SECONDS: '86400',
  });
  client = new RawHttpClient(svc.url);
  png = await pngImage(12, 8);
  [ann, ben, cat, dan] = await Promise.all([
    svc.api.newUser('ann'),
    svc.api.newUser('ben'),
    svc.api.newUser('cat'),
    svc.api.newUser('dan'),
  ]);
  const issuer = svc.running.infra.issuer;
  const shortLived = await issuer.issueAccessToken({
    subject: ann.id,
    kind: 'user',
    scopes: ['messages.read', 'messages.write', 'conversations.manage'],
    ttlSeconds: 1,
  });
  const forger = await TokenIssuer.create({
    issuer: 'parley-messaging',
    audience: 'parley',
    accessTokenTtlSeconds: 600,
  });
  const forged = await forger.issueAccessToken({ subject: ann.id, kind: 'user', scopes: ['messages.read'] });
  const machine = await svc.api.post('/oauth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: CLIENT.id,
    client_secret: CLIENT.secret,
  });
  const readOnly = await svc.api.post('/oauth/token', undefined, {
    grant_type: 'password',
    username: ann.username,
    password: PASSWORD,
    scope: 'messages.read',
  });
  refusedTokens = {
    expired: shortLived.accessToken,
    forged: forged.accessToken,
    client: machine.body.access_token,
    readOnly: readOnly.body.access_token,
    refresh: ann.refreshToken,
  };
  await eventually(
    async () => (await svc.api.get('/v1/me', shortLived.accessToken)).status === 401,
    'the one-second token to expire',
  );
});

afterAll(async () => {
  client?.close();
  await svc?.stop();
  rmSync(storageDir, { recursive: true, force: true });
});

const queryPair = ([k, v]: [string, string]) => `${percentEncode(k)}=${percentEncode(v)}`;
const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Authorization headers: mostly real users' tokens, the rest refused tokens of every kind and garbage. */
function authorization(): fc.Arbitrary<string | undefined> {
  const jwtLike = fc
    .tuple(
      fc.record(
        {
          alg: fc.constantFrom('none', 'HS256', 'ES256', 'EdDSA', 'RS256', ''),
          typ: fc.constantFrom('at+jwt', 'JWT', ''),
          kid: hostileString,
          crit: fc.array(hostileString, { maxLength: 2 }),
          b64: fc.boolean(),
          jwk: anyJson,
        },
        { requiredKeys: [] },
      ),
      fc.oneof(anyJson, fc.record({ sub: fc.constantFrom(ann.id, 'x'), exp: fc.integer(), kind: anyJson })),
      fc.oneof(fc.constant(''), fc.base64String({ maxLength: 90 })),
    )
    .map(([header, payload, signature]) => `${base64url(header)}.${base64url(payload)}.${signature}`);
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(`Bearer ${ann.token}`) },
    { weight: 2, arbitrary: fc.constant(`Bearer ${ben.token}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${dan.token}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(...Object.values(refusedTokens)).map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: jwtLike.map((t) => `Bearer ${t}`) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        headerText.map((t) => `Bearer ${t}`),
        headerText,
        fc.constantFrom('Bearer', 'Bearer ', `bearer  ${ann.token}  `, `Basic ${ann.token}`, 'Bearer a.b.c'),
        fc.constant(`Bearer ${'a'.repeat(9000)}`),
      ),
    },
  );
}

// --- Routes from the OpenAPI document. ---

interface Operation {
  method: string;
  path: string;
  pathParams: Array<{ name: string; schema: JsonSchema }>;
  queryParams: Array<{ name: string; schema: JsonSchema }>;
  body: JsonSchema | undefined;
}

async function documentedOperations(): Promise<Operation[]> {
  const doc = await svc.api.get('/openapi.json');
  expect(doc.status).toBe(200);
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.body.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as Array<{ name: string; in: string; schema: JsonSchema }>;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

/** What a route acts on, made fresh for each route so one route's fuzzing cannot starve the next. */
interface Fixture {
  ids: Record<string, string[]>;
  allIds: string[];
  usernames: string[];
  refreshToken: string;
  /** The query of a real signed download URL (expires, sig, variant). */
  signedQuery: Record<string, string>;
}

async function createFixture(): Promise<Fixture> {
  const create = async (body: object) => {
    const res = await svc.api.post('/v1/conversations', ann.token, body);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body.id as string;
  };
  const group = await create({ type: 'group', participants: [ben.id, cat.id], title: 'fuzz' });
  const channel = await create({ type: 'channel', title: 'fuzz channel' });
  const direct = await create({ type: 'direct', participants: [cat.id] });
  const send = async (user: TestUser, parts: object[] = [{ mimeType: 'text/plain', body: 'fixture' }]) => {
    const res = await svc.api.post(`/v1/conversations/${group}/messages`, user.token, {
      clientMessageId: `fx-${randomBytes(6).toString('hex')}`,
      parts,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const upload = await uploadFile(svc.url, ann.token, group, {
    name: 'fixture.png',
    type: 'image/png',
    bytes: png,
  });
  expect(upload.status).toBe(201);
  const withImage = await send(ann, [{ mimeType: 'image/png', attachmentId: upload.body.id }]);
  const messages = [await send(ann), await send(ben), withImage];
  const urls = await svc.api.get(`/v1/conversations/${group}/attachments/${upload.body.id}/url`, ben.token);
  expect(urls.status).toBe(200);
  const signed = new URL(urls.body.url as string, svc.url).searchParams;
  const login = await svc.api.post('/v1/auth/login', undefined, {
    username: ben.username,
    password: PASSWORD,
  });
  const users = [ann.id, ben.id, cat.id, dan.id];
  const conversations = [group, channel, direct];
  return {
    ids: {
      conversationId: conversations,
      messageId: messages,
      userId: users,
      attachmentId: [upload.body.id],
    },
    allIds: [...conversations, ...messages, ...users, upload.body.id],
    signedQuery: Object.fromEntries(signed.entries()),
    usernames: [ann.username, ben.username, dan.username],
    refreshToken: login.body.tokens.refresh_token,
  };
}

function shapeHints(fx: Fixture): ShapeHints {
  const voipLink = valueFor(
    z.toJSONSchema(VoipLinkBody, { io: 'input' }) as JsonSchema,
    { byField: {}, uuid: fc.uuid() },
    'shaped',
  );
  const text = storableString(1, 120).filter((t) => t.trim() !== '');
  const part = fc.oneof(
    fc.record({
      mimeType: fc.constantFrom('text/plain', 'text/markdown', 'text/plain; charset=utf-8'),
      body: text,
    }),
    valueFor(
      z.toJSONSchema(VoipLinkBody, { io: 'input' }) as JsonSchema,
      { byField: {}, uuid: fc.uuid() },
      'valid',
    ).map((v) => ({ mimeType: 'application/voip-link', body: JSON.stringify(v) })),
    storableJson.map((v) => ({ mimeType: 'application/json', body: JSON.stringify(v) })),
    fc.record(
      {
        mimeType: fc.constantFrom('image/png', 'video/mp4'),
        url: fc.webUrl({ validSchemes: ['https'] }),
        name: text,
        size: fc.maxSafeNat(),
      },
      { requiredKeys: ['mimeType', 'url'] },
    ),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => ({
      mimeType: 'application/octet-stream',
      encoding: 'base64',
      body: Buffer.from(bytes).toString('base64'),
    })),
  );
  return {
    uuid: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...fx.ids.userId!) },
      { weight: 1, arbitrary: fc.constantFrom(...fx.allIds) },
      { weight: 1, arbitrary: fc.uuid() },
    ),
    byField: {
      mimeType: fc.constantFrom(
        'text/plain',
        'text/plain; charset=utf-8',
        'TEXT/Plain',
        'application/json',
        'application/voip-link',
        'application/voip-link ; v=2',
        'image/png',
        'application/octet-stream',
      ),
      body: fc.oneof(
        hostileString,
        fc.json({ maxDepth: 3 }),
        voipLink.map((v) => JSON.stringify(v) ?? ''),
        fc.base64String({ maxLength: 200 }),
        fc.constantFrom('', '   ', '\n', '=', 'a=b='),
      ),
      username: fc.oneof(
        fc.constantFrom(...fx.usernames),
        fc.constantFrom(...fx.usernames).map((u) => u.toUpperCase()),
      ),
      password: fc.constant(PASSWORD),
      refresh_token: fc.constantFrom(fx.refreshToken, ann.refreshToken),
      client_id: fc.constant(CLIENT.id),
      client_secret: fc.constant(CLIENT.secret),
      scope: fc.constantFrom(
        'messages.read',
        'messages.read messages.write',
        'admin',
        '',
        '  ',
        'voice.proxy',
      ),
      seq: fc.constantFrom(0, 1, 2, 3, 1000),
      parts: fc.array(part, { minLength: 1, maxLength: 3 }),
      replyTo: fc.constantFrom(...fx.ids.messageId!),
      attachmentId: fc.constantFrom(...fx.ids.attachmentId!),
      userIds: fc.subarray(fx.ids.userId!, { minLength: 1 }).map((ids) => ids.join(',')),
      ...Object.fromEntries(Object.entries(fx.signedQuery).map(([k, v]) => [k, fc.constant(v)])),
      mentions: fc.subarray([ann.id, ben.id, cat.id]),
      emoji: fc.constantFrom(
        '\u{1F44D}',
        '\u2764\uFE0F',
        '\u2764',
        '\u{1F469}\u200D\u{1F4BB}',
        '\u{1F1F3}\u{1F1F4}',
        '1\uFE0F\u20E3',
      ),
    },
  };
}

/** A path parameter as a route would get it: a real id of that kind, or a value its schema accepts. */
function plausibleSegment(param: Operation['pathParams'][number], fx: Fixture, hints: ShapeHints) {
  const real = fx.ids[param.name];
  return (
    real ? fc.constantFrom(...real) : valueFor(param.schema, hints, 'valid', param.name).map(asText)
  ).map(percentEncode);
}

function pathSegment(
  param: Operation['pathParams'][number],
  fx: Fixture,
  hints: ShapeHints,
): fc.Arbitrary<string> {
  const real = fx.ids[param.name] ?? fx.allIds;
  return fc.oneof(
    { weight: 3, arbitrary: plausibleSegment(param, fx, hints) },
    { weight: 1, arbitrary: fc.uuid() },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        real[0]!.toUpperCase(),
        `${real[0]}x`,
        `{${real[0]}}`,
        real[0]!.replace(/-/g, ''),
      ),
    },
    { weight: 3, arbitrary: hostileString.map(percentEncode) },
    { weight: 1, arbitrary: encodedBytes },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '.', '..', '%2e%2e', '%2F', '%', '%zz', '%00', ';', 'a;b=c'),
    },
  );
}

const numberLike = fc.constantFrom(
  '1',
  '0',
  '-1',
  '1.5',
  '1e3',
  '1e309',
  '0x10',
  ' 5 ',
  '+1',
  '00001',
  '9007199254740991',
  '9007199254740993',
  '2147483648',
  'NaN',
  'Infinity',
  '',
  'null',
);

/** The documented query parameters with values their schemas accept (or none). */
function plausibleQuery(op: Operation, hints: ShapeHints): fc.Arbitrary<string> {
  if (op.queryParams.length === 0) return fc.constant('');
  return fc
    .record(
      Object.fromEntries(
        op.queryParams.map((p) => [p.name, valueFor(p.schema, hints, 'valid', p.name).map(asText)]),
      ),
      { requiredKeys: [] },
    )
    .map((q) => (Object.entries(q) as Array<[string, string]>).map(queryPair).join('&'));
}

function hostileQuery(op: Operation, hints: ShapeHints): fc.Arbitrary<string> {
  const value = (param: Operation['queryParams'][number]) =>
    fc.oneof(numberLike, hostileString, valueFor(param.schema, hints, 'shaped', param.name).map(asText));
  const documented =
    op.queryParams.length > 0
      ? fc
          .array(fc.oneof(...op.queryParams.map((p) => fc.tuple(fc.constant(p.name), value(p)))), {
            minLength: 1,
            maxLength: 4,
          })
          .map((pairs) => pairs.map(queryPair).join('&'))
      : fc.constant('');
  const random = fc
    .array(fc.tuple(hostileKey, hostileString), { minLength: 1, maxLength: 4 })
    .map((pairs) => pairs.map(queryPair).join('&'));
  const raw = fc.oneof(
    fc.tuple(encodedBytes, encodedBytes).map(([k, v]) => `${k}=${v}`),
    fc.constantFrom(
      '%',
      '%00=%00',
      'a=%E0%A4',
      '=',
      '&&&',
      'a[b][c][d]=1',
      'limit[]=1&limit[]=2',
      'limit=1&limit=2',
      'fromSeq=1&fromSeq=2',
      '__proto__[x]=1',
      'constructor[prototype][x]=1',
      `a${'[0]'.repeat(40)}=1`,
      'a=1&'.repeat(2000),
      `access_token=${ann.token}`,
    ),
  );
  return fc.oneof(
    { weight: 4, arbitrary: documented },
    { weight: 2, arbitrary: random },
    { weight: 1, arbitrary: raw },
  );
}

interface Body {
  contentType?: string;
  bytes?: Uint8Array;
}

const jsonBody = (value: unknown, contentType = 'application/json'): Body => ({
  contentType,
  bytes: Buffer.from(JSON.stringify(value) ?? 'null'),
});
const textBody = (text: string, contentType = 'application/json'): Body => ({
  contentType,
  bytes: Buffer.from(text),
});

/** Routes without a JSON body may take a file (uploads do). */
const takesFile = (op: Operation) => !op.body && (op.method === 'POST' || op.method === 'PUT');

function plausibleBody(op: Operation, hints: ShapeHints): fc.Arbitrary<Body> {
  if (op.body) return valueFor(op.body, hints, 'valid').map((v) => jsonBody(v));
  return takesFile(op)
    ? fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 3, arbitrary: multipartBody(png, false) })
    : fc.constant({});
}

function hostileBody(op: Operation, hints: ShapeHints): fc.Arbitrary<Body> {
  const schema = op.body ?? {};
  const valid = valueFor(schema, hints, 'valid');
  const shaped = valueFor(schema, hints, 'shaped');
  const withInvalidUtf8 = fc.tuple(valid, invalidUtf8, fc.nat()).map(([value, bad, at]) => {
    const text = Buffer.from(JSON.stringify(value) ?? '{}');
    const cut = at % (text.length + 1);
    return {
      contentType: 'application/json',
      bytes: Buffer.concat([text.subarray(0, cut), bad, text.subarray(cut)]),
    };
  });
  const contentTypes = fc.constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/merge-patch+json',
    '*/*',
    'application/json, text/plain',
  );
  const fieldNames = Object.keys((schema.properties as object | undefined) ?? {});
  const form = fc
    .array(fc.tuple(fc.oneof(hostileKey, fc.constantFrom(...fieldNames, 'x')), hostileString), {
      maxLength: 5,
    })
    .map((pairs) => textBody(pairs.map(queryPair).join('&'), 'application/x-www-form-urlencoded'));
  return fc.oneof(
    { weight: 8, arbitrary: shaped.map((v) => jsonBody(v)) },
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 2, arbitrary: anyJson.map((v) => jsonBody(v)) },
    { weight: 1, arbitrary: deepJsonText.map((t) => textBody(t)) },
    { weight: 1, arbitrary: wideJsonText.map((t) => textBody(t)) },
    { weight: 2, arbitrary: withInvalidUtf8 },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 300 })
        .map((bytes) => ({ contentType: 'application/json', bytes })),
    },
    {
      weight: 2,
      arbitrary: valid.chain((v) => malformedJsonText(JSON.stringify(v) ?? '{}')).map((t) => textBody(t)),
    },
    { weight: 2, arbitrary: fc.tuple(valid, contentTypes).map(([v, type]) => jsonBody(v, type)) },
    { weight: 1, arbitrary: form },
    { weight: 1, arbitrary: valid.map((v) => ({ bytes: Buffer.from(JSON.stringify(v) ?? '') })) },
    { weight: 1, arbitrary: fc.tuple(valid, headerText).map(([v, type]) => jsonBody(v, type)) },
    { weight: takesFile(op) ? 8 : 1, arbitrary: multipartBody(png, true) },
  );
}

const otherMethod = fc.constantFrom(
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'PROPFIND',
  'SEARCH',
);

const hostileHeaders = fc.record(
  {
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'),
    'x-request-id': headerText,
    'x-forwarded-for': fc.oneof(headerText, fc.constantFrom('::1', '10.0.0.1, 1.2.3.4', 'unknown', '')),
    accept: headerText,
    'accept-charset': headerText,
    origin: headerText,
  },
  { requiredKeys: [] },
);

/** Which part of a request is fuzzed; the other parts stay plausible so the input reaches the route's logic. */
type Focus = 'nothing' | 'body' | 'path' | 'query' | 'auth' | 'headers' | 'method' | 'everything';

function requestFor(op: Operation, fx: Fixture): fc.Arbitrary<RawRequest> {
  const hints = shapeHints(fx);
  const segments = (hostile: boolean) =>
    fc.tuple(
      ...op.pathParams.map((param) =>
        hostile ? pathSegment(param, fx, hints) : plausibleSegment(param, fx, hints),
      ),
    );
  const realUsers = fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${ann.token}`) },
    { weight: 2, arbitrary: fc.constant(`Bearer ${ben.token}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${dan.token}`) },
  );
  const foci: Array<fc.WeightedArbitrary<Focus>> = [
    // Plausible requests with random content (any Unicode, any ids, bounds) reach storage and fan-out.
    { weight: 4, arbitrary: fc.constant('nothing') },
    { weight: op.body ? 5 : 1, arbitrary: fc.constant('body') },
    { weight: op.pathParams.length > 0 ? 2 : 0, arbitrary: fc.constant('path') },
    { weight: op.queryParams.length > 0 ? 2 : 1, arbitrary: fc.constant('query') },
    { weight: 2, arbitrary: fc.constant('auth') },
    { weight: 1, arbitrary: fc.constant('headers') },
    { weight: 1, arbitrary: fc.constant('method') },
    { weight: 1, arbitrary: fc.constant('everything') },
  ];
  return fc
    .oneof(...foci.filter((f) => f.weight > 0))
    .chain((focus) => {
      const fuzzed = (part: Focus) => focus === part || focus === 'everything';
      return fc.record({
        focus: fc.constant(focus),
        method: fuzzed('method') ? otherMethod : fc.constant(op.method),
        segments: segments(fuzzed('path')),
        query: fuzzed('query') ? hostileQuery(op, hints) : plausibleQuery(op, hints),
        auth: fuzzed('auth') ? authorization() : realUsers,
        body: fuzzed('body') ? hostileBody(op, hints) : plausibleBody(op, hints),
        headers: fuzzed('headers') ? hostileHeaders : fc.constant({}),
      });
    })
    .map(({ method, segments, query, auth, body, headers }) => {
      const path = op.path.replace(/\{([^}]+)\}/g, () => segments.shift() ?? '');
      const all: Record<string, string> = { ...headers };
      if (auth !== undefined) all.authorization = auth;
      if (body.contentType !== undefined) all['content-type'] = body.contentType;
      return { method, path: query ? `${path}?${query}` : path, headers: all, body: body.bytes };
    });
}

/** Paths no route declares: the router and the error handler must answer them too. */
function unknownRoute(): fc.Arbitrary<RawRequest> {
  const segment = fc.oneof(
    fc.constantFrom(
      'v1',
      'conversations',
      'messages',
      'health',
      'openapi.json',
      'docs',
      '.well-known',
      'realtime',
      '',
    ),
    hostileString.map(percentEncode),
    encodedBytes,
  );
  return fc
    .record({
      method: otherMethod,
      segments: fc.array(segment, { minLength: 1, maxLength: 6 }),
      auth: authorization(),
      body: fc.option(
        anyJson.map((v) => jsonBody(v)),
        { freq: 2 },
      ),
    })
    .map(({ method, segments, auth, body }) => ({
      method,
      path: `/${segments.join('/')}`,
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(body?.contentType ? { 'content-type': body.contentType } : {}),
      },
      body: body?.bytes,
    }));
}

const STACK_TRACE = /\n\s+at .+:\d+:\d+/;
const DEBUG = process.env.FUZZ_DEBUG === '1';

const clip = (text: string, max = 300) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/** A token's name instead of its 700 characters, so a failure report stays readable. */
function nameTokens(text: string): string {
  const known: Record<string, string> = {
    [ann.token]: "<ann's token>",
    [ben.token]: "<ben's token>",
    [dan.token]: "<dan's token>",
    ...Object.fromEntries(Object.entries(refusedTokens).map(([name, token]) => [token, `<${name} token>`])),
  };
  return Object.entries(known).reduce((out, [token, name]) => out.split(token).join(name), text);
}

function describeRequest(req: RawRequest): string {
  const body = req.body ? Buffer.from(req.body) : undefined;
  const shownBody =
    body === undefined
      ? undefined
      : isUtf8(body)
        ? clip(body.toString(), 600)
        : `<${body.length} bytes, not UTF-8: ${body.subarray(0, 60).toString('hex')}…>`;
  return nameTokens(
    JSON.stringify({ method: req.method, path: clip(req.path), headers: req.headers, body: shownBody }),
  );
}

/** Node's default limit on a request's line and headers, past which it answers 431 and closes. */
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * A request the server may refuse without reading it to the end (413 past the body limit, 431 past the
 * header limit), closing the connection: the client can then see the cut instead of the answer.
 */
function overServerLimits(req: RawRequest): boolean {
  const head =
    req.path.length + Object.entries(req.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
  return (req.body?.length ?? 0) > MessagingLimits.maxRequestBodyBytes || head > MAX_HEAD_BYTES;
}

const isConnectionCut = (err: unknown) =>
  ['EPIPE', 'ECONNRESET'].includes((err as NodeJS.ErrnoException).code ?? '');

/** Sends one fuzzed request and throws (failing the property) on a 5xx, a stack trace or no answer. */
async function expectNoServerError(req: RawRequest): Promise<void> {
  counts.httpInputs += 1;
  let res: RawResponse;
  try {
    res = await client.send(req);
  } catch (err) {
    if (overServerLimits(req) && isConnectionCut(err)) return;
    counts.serverErrors += 1;
    throw new Error(`no answer: ${(err as Error).message}`, { cause: err });
  }
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  if (res.status >= 500 || STACK_TRACE.test(res.text)) {
    counts.serverErrors += 1;
    throw new Error(`answered ${res.status}: ${clip(res.text, 500)}`);
  }
}

async function expectReady(after: string): Promise<void> {
  const res = await svc.api.get('/health/ready');
  expect(res.status, `/health/ready after ${after}: ${JSON.stringify(res.body)}`).toBe(200);
}

/** A seed per property from the run's seed and the property's name, stable when routes are added. */
function seedFor(name: string): number {
  let hash = BASE_SEED;
  for (const ch of name) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return hash;
}

/**
 * Runs a property; returns a readable report of its smallest failing input (with the seed that replays
 * it) instead of throwing, so one run lists every route that fails.
 */
async function check<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  run: (value: T) => Promise<void>,
  numRuns: number,
  describe: (value: T) => string,
): Promise<string | undefined> {
  const details = await fc.check(fc.asyncProperty(arbitrary, run), { numRuns, seed: seedFor(name) });
  if (!details.failed) return undefined;
  const input = details.counterexample ? describe(details.counterexample[0]) : '(none)';
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `${name}: failed after ${details.numRuns} inputs (shrunk ${details.numShrinks} times)`,
    `  replay: FUZZ_SEED=${BASE_SEED} FUZZ_ONLY='${name}' (fast-check seed ${details.seed}, path "${details.counterexamplePath}")`,
    `  input: ${input}`,
    `  ${error}`,
  ].join('\n');
}

const selected = (name: string) => !process.env.FUZZ_ONLY || name.includes(process.env.FUZZ_ONLY);

// --- WebSocket frames. ---

/** A frame as sent: text (JSON or not), text bytes that are not UTF-8, or binary. */
type Frame =
  | { kind: 'text'; text: string }
  | { kind: 'invalid-utf8'; bytes: Uint8Array }
  | { kind: 'binary'; bytes: Uint8Array };

/** What the server must do with a frame: answer it, or end the socket with the one close code that fits. */
type Reply =
  | { type: 'error' }
  | { type: 'pong'; ref: string | undefined }
  | { type: 'typing-accepted' }
  | { type: 'authenticate' }
  /** A frame type added after this test was written: whatever it does, the socket must not fail. */
  | { type: 'handled' }
  | { type: 'close'; code: number };

function expectedReply(frame: Frame, memberOf: Set<string>): Reply {
  if (frame.kind === 'binary')
    return frame.bytes.length > MAX_FRAME_BYTES ? { type: 'close', code: 1009 } : { type: 'error' };
  if (frame.kind === 'invalid-utf8') return { type: 'close', code: 1007 };
  if (Buffer.byteLength(frame.text) > MAX_FRAME_BYTES) return { type: 'close', code: 1009 };
  let json: unknown;
  try {
    json = JSON.parse(frame.text);
  } catch {
    return { type: 'error' };
  }
  const parsed = ClientFrame.safeParse(json);
  if (findInputIssue(json, 'frame') || !parsed.success) return { type: 'error' };
  switch (parsed.data.type) {
    case 'ping':
      return { type: 'pong', ref: parsed.data.ref };
    case 'typing':
      return memberOf.has(parsed.data.conversationId) ? { type: 'typing-accepted' } : { type: 'error' };
    case 'authenticate':
      return { type: 'authenticate' };
    default:
      return { type: 'handled' };
  }
}

function framesFor(conversationIds: string[]): fc.Arbitrary<Frame> {
  const schema = z.toJSONSchema(ClientFrame, { io: 'input' }) as JsonSchema;
  const hints: ShapeHints = {
    uuid: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...conversationIds) },
      { weight: 1, arbitrary: fc.uuid() },
    ),
    byField: {
      accessToken: fc.oneof(
        fc.constantFrom(ann.token, ...Object.values(refusedTokens)),
        authorization().map((a) => a?.replace(/^Bearer /, '') ?? ''),
      ),
    },
  };
  const text = (t: string): Frame => ({ kind: 'text', text: t });
  return fc.oneof(
    { weight: 6, arbitrary: valueFor(schema, hints, 'valid').map((v) => text(JSON.stringify(v))) },
    { weight: 6, arbitrary: valueFor(schema, hints, 'shaped').map((v) => text(JSON.stringify(v) ?? 'null')) },
    { weight: 2, arbitrary: anyJson.map((v) => text(JSON.stringify(v) ?? 'null')) },
    { weight: 2, arbitrary: malformedJsonText('{"type":"ping","ref":"x"}').map(text) },
    { weight: 1, arbitrary: hostileString.map(text) },
    { weight: 1, arbitrary: deepJsonText.filter((t) => t.length < MAX_FRAME_BYTES).map(text) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Frame => ({ kind: 'binary', bytes })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(invalidUtf8, fc.constantFrom('{"type":"ping","ref":"', '{"type":"typing","conversationId":"'))
        .map(([bad, prefix]): Frame => ({
          kind: 'invalid-utf8',
          bytes: Buffer.concat([Buffer.from(prefix), bad, Buffer.from('"}')]),
        })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(text(`{"type":"ping","ref":"${'x'.repeat(MAX_FRAME_BYTES)}"}`), {
        kind: 'binary',
        bytes: new Uint8Array(MAX_FRAME_BYTES + 1),
      } as Frame),
    },
  );
}

function describeFrame(frame: Frame): string {
  return frame.kind === 'text'
    ? nameTokens(`text ${clip(JSON.stringify(frame.text), 400)}`)
    : `${frame.kind} ${frame.bytes.length} bytes: ${Buffer.from(frame.bytes).subarray(0, 60).toString('hex')}`;
}

/** Ann's device under fuzzing: reconnected whenever a frame ends it the way the protocol says it should. */
class FrameTarget {
  device!: TestDevice;
  reconnects = 0;
  private probes = 0;

  async connect(): Promise<void> {
    this.device = await TestDevice.connect(svc.url, ann.token);
  }

  /** Sends `frame` and a ping after it; resolves with what came back before the ping's pong, or the close. */
  async exchange(
    frame: Frame,
    expected: Reply,
  ): Promise<{ frames: ServerFrame[]; closeCode: number | undefined }> {
    if (this.device.closeCode !== undefined) {
      this.reconnects += 1;
      await this.connect();
    }
    const device = this.device;
    const start = device.frames.length;
    if (frame.kind === 'text') device.socket.send(frame.text);
    else device.socket.send(frame.bytes, { binary: frame.kind === 'binary' });
    const probe = `probe-${(this.probes += 1)}`;
    device.send({ type: 'ping', ref: probe });
    const since = () => device.frames.slice(start);
    const answered = () =>
      since().some((f) => f.type === 'pong' && f.ref === probe) &&
      // Answers that need a database read or a token check may come after the pong.
      (expected.type !== 'error' || since().some((f) => f.type === 'error')) &&
      (expected.type !== 'authenticate' ||
        since().some((f) => f.type === 'error' || f.type === 'authenticated'));
    await eventually(
      () => device.closeCode !== undefined || answered(),
      `an answer to ${describeFrame(frame)}`,
      10_000,
      {
        intervalMs: 2,
      },
    );
    return {
      frames: since().filter((f) => !(f.type === 'pong' && f.ref === probe)),
      closeCode: device.closeCode,
    };
  }
}

function judgeReply(expected: Reply, got: { frames: ServerFrame[]; closeCode: number | undefined }): void {
  const seen = () => `got ${JSON.stringify(got.frames).slice(0, 400)}, close code ${got.closeCode ?? 'none'}`;
  // 1011 and a dropped connection are the socket's 500s; so is an `internal` error frame (the gateway
  // caught something it did not expect).
  if (
    got.closeCode === 1011 ||
    got.closeCode === 1006 ||
    got.frames.some((f) => f.type === 'error' && f.code === 'internal')
  ) {
    counts.serverErrors += 1;
    throw new Error(`the server failed: ${seen()}`);
  }
  switch (expected.type) {
    case 'close':
      if (got.closeCode !== expected.code) throw new Error(`expected close ${expected.code}: ${seen()}`);
      return;
    case 'error':
      if (got.closeCode !== undefined || !got.frames.some((f) => f.type === 'error'))
        throw new Error(`expected an error frame: ${seen()}`);
      return;
    case 'pong':
      // The gateway leaves an empty ref out of the pong; to a client both mean "no ref".
      if (
        got.closeCode !== undefined ||
        !got.frames.some((f) => f.type === 'pong' && (f.ref ?? '') === (expected.ref ?? ''))
      )
        throw new Error(`expected pong ${expected.ref ?? '(no ref)'}: ${seen()}`);
      return;
    case 'typing-accepted':
      if (got.closeCode !== undefined || got.frames.some((f) => f.type === 'error'))
        throw new Error(`expected typing to be accepted: ${seen()}`);
      return;
    case 'authenticate': {
      // Ann's own fresh token renews the session; another identity's valid token ends it (1008); any
      // other token is refused with an error frame.
      const ok =
        got.closeCode === 1008 ||
        (got.closeCode === undefined &&
          got.frames.some((f) => f.type === 'authenticated' || f.type === 'error'));
      if (!ok) throw new Error(`expected authenticated, an error frame or close 1008: ${seen()}`);
      return;
    }
    case 'handled':
      if (got.closeCode !== undefined) throw new Error(`expected the socket to stay open: ${seen()}`);
      return;
  }
}

interface UpgradeAttempt {
  path: string;
  headers: Record<string, string>;
}

function upgradeAttempts(): fc.Arbitrary<UpgradeAttempt> {
  const token = fc.oneof(
    fc.constantFrom(ann.token, ...Object.values(refusedTokens), ''),
    authorization().map((a) => a?.replace(/^Bearer /, '') ?? ''),
    hostileString,
  );
  const path = fc.oneof(
    { weight: 4, arbitrary: fc.constant('/v1/realtime') },
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.oneof(
            fc.constantFrom('v1', 'realtime', 'V1', '', '.', '..', '%2F'),
            hostileString.map(percentEncode),
          ),
          {
            maxLength: 4,
          },
        )
        .map((segments) => `/${segments.join('/')}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '*',
        '/v1/realtime/',
        '/v1//realtime',
        '/v1/realtime%00',
        '/\\',
        'http://x/v1/realtime',
      ),
    },
  );
  const query = fc.oneof(
    token.map((t) => `access_token=${percentEncode(t)}`),
    fc.constantFrom(
      '',
      `access_token=${ann.token}&access_token=x`,
      'access_token',
      '%',
      `access_token=${ann.token}#x`,
    ),
  );
  return fc
    .record({
      path,
      query,
      authorization: fc.option(authorization(), { freq: 3 }),
      version: fc.oneof({ weight: 5, arbitrary: fc.constant('13') }, { weight: 1, arbitrary: headerText }),
      key: fc.oneof(
        { weight: 5, arbitrary: fc.constant(randomBytes(16).toString('base64')) },
        { weight: 1, arbitrary: headerText },
      ),
    })
    .map(({ path, query, authorization, version, key }) => ({
      path: query ? `${path}?${query}` : path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': version,
        'sec-websocket-key': key,
        ...(authorization ? { authorization } : {}),
      },
    }));
}

/** An upgrade is accepted (101) or refused with a 4xx; anything else, or no answer, fails. */
async function attemptUpgrade(attempt: UpgradeAttempt): Promise<void> {
  counts.wsUpgrades += 1;
  let status: number;
  try {
    status = await client.upgrade(attempt.path, attempt.headers);
  } catch (err) {
    counts.serverErrors += 1;
    throw new Error(`no answer to the upgrade: ${(err as Error).message}`, { cause: err });
  }
  if (status >= 500 || status < 101 || (status > 101 && status < 400)) {
    counts.serverErrors += 1;
    throw new Error(`upgrade answered ${status}`);
  }
}

describe('fuzzing the messaging service', () => {
  it(
    'answers random input on every REST route without a 5xx and stays ready',
    { timeout: 120_000 + RUNS_PER_ROUTE * 6_000 },
    async () => {
      const operations = await documentedOperations();
      expect(operations.length).toBeGreaterThan(20);
      const failures: string[] = [];
      for (const op of operations) {
        const name = `${op.method} ${op.path}`;
        if (!selected(name)) continue;
        const fx = await createFixture();
        const report = await check(
          name,
          requestFor(op, fx),
          expectNoServerError,
          RUNS_PER_ROUTE,
          describeRequest,
        );
        counts.routes += 1;
        if (DEBUG) console.log(name, JSON.stringify([...statuses].sort()));
        statuses.clear();
        if (report) failures.push(report);
        await expectReady(name);
      }
      if (selected('undeclared paths')) {
        const report = await check(
          'undeclared paths',
          unknownRoute(),
          expectNoServerError,
          RUNS_PER_ROUTE,
          describeRequest,
        );
        if (report) failures.push(report);
        await expectReady('undeclared paths');
      }
      expect(failures.join('\n\n')).toBe('');
    },
  );

  it(
    'answers random WebSocket upgrades with 101 or a 4xx',
    { timeout: 60_000 + WS_UPGRADES * 1_000 },
    async () => {
      if (!selected('ws upgrade')) return;
      const report = await check('ws upgrade', upgradeAttempts(), attemptUpgrade, WS_UPGRADES, (a) =>
        nameTokens(JSON.stringify(a)),
      );
      await expectReady('WebSocket upgrades');
      expect(report ?? '').toBe('');
    },
  );

  it(
    'answers every random WebSocket frame with an error frame or the fitting close, never 1011',
    { timeout: 60_000 + WS_FRAMES * 400 },
    async () => {
      if (!selected('ws frames')) return;
      const fx = await createFixture();
      const outsiders = await svc.api.post('/v1/conversations', ben.token, {
        type: 'group',
        participants: [cat.id],
      });
      const conversations = [...fx.ids.conversationId!, outsiders.body.id as string];
      const memberOf = new Set(fx.ids.conversationId);
      const target = new FrameTarget();
      await target.connect();
      try {
        const report = await check(
          'ws frames',
          framesFor(conversations),
          async (frame) => {
            counts.wsFrames += 1;
            const expected = expectedReply(frame, memberOf);
            judgeReply(expected, await target.exchange(frame, expected));
          },
          WS_FRAMES,
          describeFrame,
        );
        expect(report ?? '').toBe('');
        // The socket the fuzzing leaves behind still answers.
        const after = await target.exchange(
          { kind: 'text', text: '{"type":"ping","ref":"after"}' },
          { type: 'pong', ref: 'after' },
        );
        judgeReply({ type: 'pong', ref: 'after' }, after);
      } finally {
        counts.wsReconnects = target.reconnects;
        target.device.close();
      }
      await expectReady('WebSocket frames');
    },
  );

  it('still signs in, sends and delivers a message after the fuzzing', async () => {
    const login = await svc.api.post('/v1/auth/login', undefined, {
      username: cat.username,
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    const token = login.body.tokens.access_token as string;
    const annDevice = await TestDevice.connect(svc.url, ann.token);
    const catDevice = await TestDevice.connect(svc.url, token);
    try {
      const conv = await svc.api.post('/v1/conversations', ann.token, {
        type: 'group',
        participants: [cat.id],
      });
      expect(conv.status).toBe(201);
      const sent = await svc.api.post(`/v1/conversations/${conv.body.id}/messages`, ann.token, {
        clientMessageId: 'after-fuzzing',
        parts: [{ mimeType: 'text/plain', body: 'still here' }],
      });
      expect(sent.status).toBe(201);
      const delivered = await catDevice.waitForEvent(
        (e) => e.type === 'message.sent' && e.conversationId === conv.body.id,
      );
      expect(delivered).toMatchObject({ payload: { message: { id: sent.body.id } } });
      annDevice.send({ type: 'ping', ref: 'final' });
      await annDevice.waitFor((f) => f.type === 'pong' && f.ref === 'final');
      await expectReady('the final exchange');
    } finally {
      annDevice.close();
      catDevice.close();
    }
    console.log(
      `fuzz: ${counts.httpInputs} HTTP inputs over ${counts.routes} routes (+ undeclared paths), ` +
        `${counts.wsUpgrades} WebSocket upgrades, ${counts.wsFrames} WebSocket frames ` +
        `(${counts.wsReconnects} ended by design and reconnected), 5xx or dropped answers seen: ${counts.serverErrors} ` +
        `(FUZZ_SEED=${BASE_SEED})`,
    );
  });
});
