// Outgoing webhooks: messages sent through messaging, delivered by the webhook gateway to a receiver in this
// process that verifies every delivery with `standardwebhooks`, as a customer's backend would.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { eventually } from '@parley/testing';
import { Webhook } from 'standardwebhooks';
import { startBuiltService } from '../lib/built-service.mjs';
import { createJsonClient } from '../lib/http-client.mjs';
import { mapLimit } from '../lib/pool.mjs';
import { progress } from '../lib/report.mjs';
import { round, summarize } from '../lib/stats.mjs';
import { messagingApi } from '../messaging/api.mjs';
import { startMessagingService } from '../messaging/service.mjs';

const GATEWAY_MAIN = fileURLToPath(new URL('../../../apps/webhook-gateway/dist/main.js', import.meta.url));

/** A receiver on 127.0.0.1 that verifies each delivery and counts it by `webhook-id`. */
async function startVerifyingReceiver() {
  const state = {
    secret: undefined,
    /** webhook-id → { count, clientMessageId, at } */
    byWebhookId: new Map(),
    unverified: 0,
    firstAt: undefined,
    lastAt: undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body;
      try {
        body = new Webhook(state.secret).verify(raw, {
          'webhook-id': req.headers['webhook-id'],
          'webhook-timestamp': req.headers['webhook-timestamp'],
          'webhook-signature': req.headers['webhook-signature'],
        });
      } catch {
        state.unverified += 1;
        res.writeHead(401).end();
        return;
      }
      const at = performance.now();
      state.firstAt ??= at;
      state.lastAt = at;
      const id = String(req.headers['webhook-id']);
      const seen = state.byWebhookId.get(id);
      if (seen) seen.count += 1;
      else
        state.byWebhookId.set(id, {
          count: 1,
          clientMessageId: body?.data?.payload?.message?.clientMessageId,
          at,
        });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    state,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function clientToken(messagingUrl, client) {
  const res = await fetch(`${messagingUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
    }),
  });
  if (!res.ok) throw new Error(`token of ${client.id}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

/**
 * Starts the built messaging and webhook gateway (startBuiltService; the gateway on messaging's Redis prefix,
 * so they share the bus), registers one endpoint for `message.sent` with a machine client, sends
 * `messages` messages through messaging's REST API and waits until each has been delivered or the drain
 * time is over. Stops both services before it resolves (or rejects).
 *
 * Options (all optional):
 * - `messages` (500): messages sent, each a `message.sent` webhook.
 * - `senders` (8): messages sent at the same time (closed loop over one keep-alive client).
 * - `conversations` (4): group conversations the messages are spread over.
 * - `maxConcurrency` (16): the endpoint's `maxConcurrency` (deliveries in flight at once).
 * - `drainTimeoutMs` (60000): how long after the last send answered a missing delivery may still arrive;
 *   after that it counts as lost.
 *
 * Resolves with `{ messages, sent, sendFailures, delivered, lost, duplicates, unverified,
 * deliveriesPerSecond, windowMs, latencyMs: {count, p50, p99, max}, ok }`:
 * - `delivered`: distinct `webhook-id`s received and verified, `duplicates`: further receipts of a
 *   `webhook-id` already seen (at-least-once allows them; they are counted, not failed), `unverified`:
 *   receipts no signature check passed (must be 0), `lost`: sent messages never delivered (must be 0).
 * - `deliveriesPerSecond`: `delivered` over the time from the first send to the last delivery.
 * - `latencyMs`: from the start of a message's POST to its first delivery.
 * - `ok`: every sent message delivered exactly once by `webhook-id` (no loss) and nothing unverified.
 */
export async function measureDeliveries({
  messages = 500,
  senders = 8,
  conversations = 4,
  maxConcurrency = 16,
  drainTimeoutMs = 60_000,
} = {}) {
  const gatewayClient = { id: 'webhook-gateway', secret: randomBytes(24).toString('base64url') };
  const hooksClient = { id: 'bench-hooks', secret: randomBytes(24).toString('base64url') };
  const receiver = await startVerifyingReceiver();
  let messaging;
  let gateway;
  let api;
  try {
    messaging = await startMessagingService({
      OAUTH_CLIENTS: JSON.stringify([
        { ...gatewayClient, scopes: ['voice.proxy'] },
        { ...hooksClient, scopes: ['webhooks.manage'] },
      ]),
      OUTBOX_POLL_INTERVAL_MS: '100',
    });
    gateway = await startBuiltService({
      name: 'webhook-gateway',
      mainJs: GATEWAY_MAIN,
      label: 'bench-hooks-gw',
      redisPrefix: messaging.redisPrefix,
      env: ({ url }) => ({
        JWKS_URL: `${messaging.url}/.well-known/jwks.json`,
        MESSAGING_URL: messaging.url,
        WEBHOOK_GATEWAY_CLIENT_ID: gatewayClient.id,
        WEBHOOK_GATEWAY_CLIENT_SECRET: gatewayClient.secret,
        // The receiver listens on loopback, which deliveries may not reach unless listed.
        OUTBOUND_ALLOWED_INTERNAL: '127.0.0.1',
        GATEWAY_PUBLIC_URL: url,
        RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
        // As in production: the endpoint's secret is kept encrypted and opened for every attempt.
        OUTGOING_WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64'),
      }),
    });

    const gatewayApi = createJsonClient(gateway.url);
    const created = await gatewayApi.post(
      '/v1/webhooks/endpoints',
      await clientToken(messaging.url, hooksClient),
      { url: receiver.url, topics: ['message.sent'], maxConcurrency },
    );
    await gatewayApi.close();
    if (created.status !== 201)
      throw new Error(`endpoint: HTTP ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`);
    receiver.state.secret = created.body.secret;

    api = messagingApi(messaging.url, { maxSockets: senders });
    const [sender, ...others] = await api.signUpMany('hooks', 2);
    const groups = [];
    for (let i = 0; i < conversations; i += 1) groups.push(await api.createGroup(sender, others));

    progress(`sending ${messages} messages (${senders} at a time), each a webhook to the receiver`);
    const sentAt = new Map();
    let sendFailures = 0;
    const started = performance.now();
    await mapLimit(
      Array.from({ length: messages }, (_, i) => i),
      senders,
      async (i) => {
        const clientMessageId = `hook-${i}`;
        const at = performance.now();
        const res = await api.sendText(sender, groups[i % groups.length].id, clientMessageId, `message ${i}`);
        if (res.status === 201) sentAt.set(clientMessageId, at);
        else sendFailures += 1;
      },
    );

    const deliveredIds = () =>
      new Set([...receiver.state.byWebhookId.values()].map((d) => d.clientMessageId).filter(Boolean));
    await eventually(
      () => [...sentAt.keys()].every((id) => deliveredIds().has(id)),
      'every sent message delivered',
      drainTimeoutMs,
      { intervalMs: 100 },
    ).catch(() => undefined);

    const receipts = [...receiver.state.byWebhookId.values()];
    const delivered = receipts.length;
    const duplicates = receipts.reduce((n, d) => n + d.count - 1, 0);
    const received = deliveredIds();
    const lost = [...sentAt.keys()].filter((id) => !received.has(id)).length;
    const windowMs = (receiver.state.lastAt ?? started) - started;
    const latencies = receipts
      .filter((d) => sentAt.has(d.clientMessageId))
      .map((d) => d.at - sentAt.get(d.clientMessageId));
    return {
      messages,
      sent: sentAt.size,
      sendFailures,
      delivered,
      lost,
      duplicates,
      unverified: receiver.state.unverified,
      deliveriesPerSecond: windowMs > 0 ? round((delivered * 1000) / windowMs) : null,
      windowMs: round(windowMs),
      latencyMs: summarize(latencies),
      ok: lost === 0 && receiver.state.unverified === 0 && delivered === sentAt.size,
    };
  } finally {
    await api?.close();
    await gateway?.stop();
    await messaging?.stop();
    await receiver.stop();
  }
}
