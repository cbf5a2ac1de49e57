#!/usr/bin/env node
// The compose stack for real, with podman: builds the stand-in base images when missing and every app image
// from the Dockerfile, starts docker-compose.yml on free ports with host networking, then through the proxy
// alone: loads the web client and its /config.json, signs up two users, sends a message from one to the
// other (seen on the receiver's realtime WebSocket), places a terminal call from a gRPC terminal (h2c) to a
// WebSocket terminal and checks that each service's routes reach it. Tears everything down, volumes too.
//
//   node deploy/compose/smoke.mjs [--keep] [--skip-build]
//
// Needs podman, runc and debootstrap (Debian packages) and root; reaches only Debian's mirror and the npm
// registry. Prints the time each phase took.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { WebTerminalMessage } from '@parley/protocol';
import { WebTerminalServiceClient } from '@parley/protocol/grpc';
import WebSocket from 'ws';
import { repoRoot } from './compose-file.mjs';

const keep = process.argv.includes('--keep');
const skipBuild = process.argv.includes('--skip-build');
const project = `parley-smoke-${process.pid}`;
const timings = [];
const started = Date.now();

async function phase(name, fn) {
  const t0 = Date.now();
  process.stdout.write(`\n== ${name}\n`);
  try {
    return await fn();
  } finally {
    timings.push([name, (Date.now() - t0) / 1000]);
  }
}

function sh(args, opts = {}) {
  const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit', cwd: repoRoot, ...opts });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status})`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function check(condition, message) {
  if (!condition) throw new Error(`smoke: ${message}`);
  process.stdout.write(`  ok  ${message}\n`);
}

const secret = () => randomBytes(18).toString('base64url');

async function writeEnv() {
  const ports = {};
  for (const name of [
    'POSTGRES_PORT',
    'REDIS_PORT',
    'MESSAGING_PORT',
    'TERMINAL_PORT',
    'TERMINAL_GRPC_PORT',
    'VOICE_PROXY_PORT',
    'WEBHOOK_GATEWAY_PORT',
    'WEB_PORT',
    'PARLEY_PORT',
  ]) {
    ports[name] = String(await freePort());
  }
  const origin = `http://127.0.0.1:${ports.PARLEY_PORT}`;
  const voiceSecret = secret();
  const gatewaySecret = secret();
  const env = {
    ...ports,
    POSTGRES_PASSWORD: secret(),
    OAUTH_CLIENTS: JSON.stringify([
      { id: 'voice-proxy', secret: voiceSecret, scopes: ['voice.proxy'] },
      { id: 'webhook-gateway', secret: gatewaySecret, scopes: ['voice.proxy'] },
    ]),
    VOICE_PROXY_CLIENT_SECRET: voiceSecret,
    WEBHOOK_GATEWAY_CLIENT_SECRET: gatewaySecret,
    PARLEY_PUBLIC_URL: origin,
    PARLEY_PUBLIC_WS_URL: origin.replace(/^http/, 'ws'),
    SEED_DEMO_USERS: 'false',
    REDIS_PREFIX: project.replace(/-/g, '_'),
    LOG_LEVEL: 'warn',
  };
  const file = join(tmpdir(), `${project}.env`);
  writeFileSync(
    file,
    Object.entries(env)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  return { file, origin, ports };
}

async function api(origin, method, path, token, body) {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text, headers: res.headers };
}

/** Frames of one WebSocket, and a wait for the first that matches. */
function openSocket(url) {
  const frames = [];
  const waiters = new Set();
  const socket = new WebSocket(url);
  socket.on('message', (data) => {
    let frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    frames.push(frame);
    for (const w of waiters) w();
  });
  const opened = new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused: ${res.statusCode}`)),
    );
  });
  const waitFor = (predicate, what, ms = 15_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(test);
        reject(new Error(`no ${what} within ${ms} ms (got ${JSON.stringify(frames).slice(0, 500)})`));
      }, ms);
      const test = () => {
        const found = frames.find(predicate);
        if (found) {
          clearTimeout(timer);
          waiters.delete(test);
          resolve(found);
        }
      };
      waiters.add(test);
      test();
    });
  return { socket, opened, frames, waitFor };
}

async function exercise(origin) {
  const wsOrigin = origin.replace(/^http/, 'ws');

  const health = await api(origin, 'GET', '/healthz');
  check(health.status === 200, 'the proxy answers /healthz');
  const page = await api(origin, 'GET', '/');
  check(page.status === 200 && page.text.includes('<div id="root"'), 'the web client is served at /');
  const config = await api(origin, 'GET', '/config.json');
  check(
    config.body?.messagingUrl === origin &&
      config.body?.terminalUrl === wsOrigin &&
      config.body?.voiceProxyUrl === origin &&
      config.body?.gatewayUrl === origin,
    `/config.json points every service at the proxy (${origin})`,
  );
  check(
    config.body?.demoUsers === false,
    '/config.json says there are no demo users (SEED_DEMO_USERS=false)',
  );
  const demo = await api(origin, 'POST', '/v1/auth/login', undefined, {
    username: 'alice',
    password: 'parley-demo',
  });
  check(
    demo.status === 400 && demo.body?.code === 'invalid_grant',
    `the demo user alice does not exist (${demo.status} ${demo.body?.code})`,
  );
  const widget = await api(origin, 'GET', '/widget.js');
  check(widget.status === 200, '/widget.js is served');

  const suffix = randomUUID().slice(0, 8);
  const number = () => `+4799${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const users = {};
  for (const name of ['ann', 'ben']) {
    const username = `${name}-${suffix}`;
    const msisdn = number();
    const signup = await api(origin, 'POST', '/v1/auth/signup', undefined, {
      username,
      password: 'correct horse battery',
      msisdn,
    });
    check(signup.status === 201, `${username} signs up through the proxy`);
    const login = await api(origin, 'POST', '/v1/auth/login', undefined, {
      username,
      password: 'correct horse battery',
    });
    check(login.status === 200 && login.body.tokens.access_token, `${username} logs in`);
    users[name] = { id: login.body.user.id, token: login.body.tokens.access_token, msisdn };
  }
  const { ann, ben } = users;

  const jwks = await api(origin, 'GET', '/.well-known/jwks.json');
  check(jwks.status === 200 && Array.isArray(jwks.body?.keys), '/.well-known/jwks.json reaches messaging');

  // A message from ann to ben, seen on ben's realtime WebSocket.
  const realtime = openSocket(`${wsOrigin}/v1/realtime?access_token=${encodeURIComponent(ben.token)}`);
  await realtime.opened;
  check(true, 'ben opens the realtime WebSocket (/v1/realtime) through the proxy');
  const conv = await api(origin, 'POST', '/v1/conversations', ann.token, {
    type: 'direct',
    participants: [ben.id],
  });
  check(conv.status === 201 || conv.status === 200, 'ann opens a conversation with ben');
  const sent = await api(origin, 'POST', `/v1/conversations/${conv.body.id}/messages`, ann.token, {
    clientMessageId: `smoke-${suffix}`,
    parts: [{ mimeType: 'text/plain', body: 'hello from the compose stack' }],
  });
  check(sent.status === 201, 'ann sends ben a message');
  const event = await realtime.waitFor(
    (f) => f.type === 'event' && f.event?.type === 'message.sent' && f.event.conversationId === conv.body.id,
    'message.sent on the realtime socket',
  );
  check(event.event.payload?.message?.id === sent.body.id, "the message arrives on ben's realtime socket");
  const listed = await api(origin, 'GET', `/v1/conversations/${conv.body.id}/messages`, ben.token);
  check(
    listed.status === 200 && JSON.stringify(listed.body).includes('hello from the compose stack'),
    'ben reads it',
  );
  realtime.socket.close();

  // A terminal call: ann on gRPC (h2c through the proxy), ben on the WebSocket bridge (/v1/terminal).
  const bridge = openSocket(
    `${wsOrigin}/v1/terminal?access_token=${encodeURIComponent(ben.token)}&mode=multi`,
  );
  await bridge.opened;
  check(true, "ben's terminal registers on /v1/terminal through the proxy");
  const client = new WebTerminalServiceClient(new URL(origin).host, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${ann.token}`);
  const stream = client.multiPipe(metadata);
  const fromCore = [];
  let streamError;
  const grpcWaiters = new Set();
  stream.on('data', (m) => {
    fromCore.push(m);
    for (const w of grpcWaiters) w();
  });
  stream.on('error', (err) => {
    streamError = err;
    for (const w of grpcWaiters) w();
  });
  const nextFromCore = (kind, callId, ms = 15_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        grpcWaiters.delete(test);
        reject(new Error(`no ${kind} on the gRPC stream (error: ${streamError?.message ?? 'none'})`));
      }, ms);
      const test = () => {
        const found = fromCore.find((m) => m.callId === callId && m.message?.$case === kind);
        if (found || streamError) {
          clearTimeout(timer);
          grpcWaiters.delete(test);
          if (found) resolve(found);
          else reject(streamError);
        }
      };
      grpcWaiters.add(test);
      test();
    });
  const callId = randomUUID();
  // The core registers a terminal when its stream opens; give the stream a moment before the offer.
  await new Promise((r) => setTimeout(r, 500));
  stream.write({
    callId,
    message: { $case: 'offer', value: { sdp: 'v=0 smoke-offer', msisdn: { e164: ben.msisdn } } },
  });
  const offer = await bridge.waitFor(
    (f) => f.callId === callId && f.offer,
    'the offer on the WebSocket terminal',
  );
  check(offer.offer.msisdn?.e164 === ann.msisdn, "ben's terminal is offered ann's call, from ann's number");
  const send = (message) => bridge.socket.send(JSON.stringify(WebTerminalMessage.toJSON(message)));
  send({ callId, message: { $case: 'ringing', value: {} } });
  await nextFromCore('ringing', callId);
  check(true, 'ann hears it ringing (gRPC)');
  send({ callId, message: { $case: 'answer', value: { sdp: 'v=0 smoke-answer' } } });
  const answer = await nextFromCore('answer', callId);
  check(answer.message.value.sdp === 'v=0 smoke-answer', 'ben answers and ann gets the answer');
  stream.write({ callId, message: { $case: 'bye', value: { reason: 'hangup' } } });
  await bridge.waitFor((f) => f.callId === callId && f.bye, 'the bye on the WebSocket terminal');
  check(true, 'ann hangs up and ben gets the bye');
  stream.end();
  client.close();
  bridge.socket.close();

  // Every service's routes reach it through the proxy.
  const ice = await api(origin, 'GET', '/v1/ice-servers', ann.token);
  check(ice.status === 200, '/v1/ice-servers reaches terminal-core');
  const support = await api(origin, 'GET', '/v1/support/calls', ann.token);
  check(
    support.status !== 404 && support.status < 500,
    `/v1/support reaches the voice proxy (${support.status})`,
  );
  const providers = await api(origin, 'GET', '/v1/providers', ann.token);
  check(providers.status === 200, '/v1/providers reaches the webhook gateway');
  const webhook = await api(origin, 'POST', '/v1/providers/parley/webhooks', undefined, {
    type: 'room.ended',
  });
  check(
    webhook.status === 401 || webhook.status === 400,
    `an unsigned provider webhook reaches the gateway and is refused (${webhook.status})`,
  );
  const deadLetters = await api(origin, 'POST', `/v1/admin/dead-letters/${randomUUID()}/replay`, ann.token);
  check(
    deadLetters.status === 403 || deadLetters.status === 401,
    `/v1/admin/dead-letters goes to the gateway, not messaging's /v1/admin (${deadLetters.status})`,
  );
}

function assertKeysWritable() {
  const out = spawnSync(
    'podman',
    [
      'exec',
      `${project}-messaging`,
      'sh',
      '-c',
      'id -u; stat -c "%U %a" /var/lib/parley/keys; ls /var/lib/parley/keys',
    ],
    { encoding: 'utf8' },
  );
  const [uid, owner, files] = out.stdout.trim().split('\n');
  check(uid !== '0', `messaging runs unprivileged (uid ${uid})`);
  check(owner?.startsWith('node '), `the signing-key volume is owned by node (${owner})`);
  check(files?.includes('messaging-signing-key.json'), 'messaging wrote its signing key into the volume');
}

const stack = (...args) => ['node', join(repoRoot, 'deploy/compose/podman-stack.mjs'), ...args];
let envFile;
let origin;
let failed = false;
try {
  await phase('stand-in base images', () => sh([join(repoRoot, 'deploy/compose/standins/build.sh')]));
  const env = await writeEnv();
  envFile = env.file;
  origin = env.origin;
  if (!skipBuild) await phase('app images', () => sh(stack('build', '--env-file', envFile)));
  await phase('stack up (until every health check passes)', () =>
    sh(stack('up', '--env-file', envFile, '--project', project)),
  );
  await phase('through the proxy', async () => {
    await exercise(env.origin);
    assertKeysWritable();
  });
} catch (err) {
  failed = true;
  process.stderr.write(`\n${err.stack ?? err}\n`);
} finally {
  if (!keep && envFile) {
    await phase('tear down', () =>
      sh(stack('down', '--env-file', envFile, '--project', project, '--volumes')),
    );
    rmSync(envFile, { force: true });
  }
  if (keep && envFile) {
    process.stdout.write(
      `\nthe stack is still running at ${origin}; remove it with\n` +
        `  node deploy/compose/podman-stack.mjs down --project ${project} --volumes\n`,
    );
  }
  process.stdout.write('\nphase durations:\n');
  for (const [name, s] of timings) process.stdout.write(`  ${s.toFixed(1).padStart(7)}s  ${name}\n`);
  process.stdout.write(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(7)}s  in all\n`);
  process.stdout.write(failed ? 'compose smoke: FAILED\n' : 'compose smoke: passed\n');
  process.exit(failed ? 1 : 0);
}
