import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import pg from 'pg';
import { eventually } from '@parley/testing';
import { printTable, progress } from '../lib/report.mjs';
import { round } from '../lib/stats.mjs';
import { withTimeout } from '../lib/time.mjs';
import { databaseUrl, startMessagingService } from '../messaging/service.mjs';
import { measureIntake } from './intake.mjs';
import { startBareReceiver, startGatewayService } from './services.mjs';

const CLIENT_ID = 'webhook-gateway';

const settings = {
  full: { senders: 16, roundMs: 10_000, rounds: 3, budgetMs: 300_000 },
  quick: { senders: 4, roundMs: 2_000, rounds: 1, budgetMs: 120_000 },
};

/** A participant joining a room of the built-in provider; the room is unknown, so only intake is measured. */
const participantJoined = (id) => ({
  type: 'participant.joined',
  roomId: `parley-bench-${id}`,
  identity: 'bench-user',
  occurredAt: new Date().toISOString(),
});

function medianRound(rounds) {
  const sorted = [...rounds].sort((a, b) => a.perSecond - b.perSecond);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { ...median, ids: undefined, rounds: rounds.map((r) => r.perSecond) };
}

/**
 * Every acknowledged webhook must be stored once, and its outbox row published to the bus: zero loss means
 * the stored rows equal the acknowledgements and nothing is left pending.
 */
async function checkNothingLost(schema, acknowledgedIds) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const stored = await client.query(
      `SELECT count(*)::int AS n FROM ${schema}.provider_events WHERE provider = 'parley' AND event_id = ANY($1)`,
      [acknowledgedIds],
    );
    const pending = await eventually(
      async () => {
        const res = await client.query(
          `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE published_at IS NULL`,
        );
        if (res.rows[0].n !== 0) throw new Error(`${res.rows[0].n} outbox rows pending`);
        return res.rows[0].n;
      },
      'the outbox drains',
      60_000,
      { intervalMs: 250 },
    );
    return { acknowledged: acknowledgedIds.length, stored: stored.rows[0].n, pendingOutbox: pending };
  } finally {
    await client.end();
  }
}

/**
 * `webhooks [--quick]`: signed provider webhooks into the gateway (verify, de-duplicate, store + outbox,
 * 200) against a bare node:http server doing the same HMAC check and one Redis write, interleaved.
 */
export async function runWebhooksBench({ quick }) {
  const s = quick ? settings.quick : settings.full;
  const clientSecret = randomBytes(24).toString('base64url');
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const messaging = await startMessagingService({
    OAUTH_CLIENTS: JSON.stringify([{ id: CLIENT_ID, secret: clientSecret, scopes: ['voice.proxy'] }]),
  });
  let gateway;
  let bare;
  try {
    gateway = await startGatewayService({
      messagingUrl: messaging.url,
      redisPrefix: messaging.redisPrefix,
      clientId: CLIENT_ID,
      clientSecret,
      webhookSecret,
    });
    bare = await startBareReceiver({ redisPrefix: messaging.redisPrefix, webhookSecret });
    const results = await withTimeout(
      (async () => {
        const gatewayRounds = [];
        const bareRounds = [];
        const acknowledgedIds = [];
        for (let round = 1; round <= s.rounds; round++) {
          progress(`round ${round}/${s.rounds}: bare node:http + HMAC + one Redis write`);
          bareRounds.push(
            await measureIntake({
              baseUrl: bare.url,
              path: '/',
              secret: webhookSecret,
              senders: s.senders,
              durationMs: s.roundMs,
              body: participantJoined,
            }),
          );
          progress(`round ${round}/${s.rounds}: the gateway`);
          const r = await measureIntake({
            baseUrl: gateway.url,
            path: '/v1/providers/parley/webhooks',
            secret: webhookSecret,
            senders: s.senders,
            durationMs: s.roundMs,
            body: participantJoined,
          });
          acknowledgedIds.push(...r.ids);
          gatewayRounds.push(r);
        }
        progress('checking that every acknowledged webhook was stored and published');
        const loss = await checkNothingLost(gateway.schema, acknowledgedIds);
        return { gateway: medianRound(gatewayRounds), bare: medianRound(bareRounds), loss };
      })(),
      s.budgetMs,
      'webhooks benchmark',
    );
    const { gateway: g, bare: b, loss } = results;
    const lost = loss.acknowledged - loss.stored;
    printTable(
      `Parley webhook intake benchmark${quick ? ' (--quick)' : ''}: ${cpus().length} CPUs, Node ${process.version}`,
      [
        [
          '1. Gateway: verified webhooks/s accepted',
          g.perSecond,
          `${s.senders} keep-alive senders; rounds ${g.rounds.join(', ')}; statuses ${JSON.stringify(g.statuses)}`,
        ],
        [
          '   ack latency p50 / p99',
          `${g.ackLatencyMs.p50} / ${g.ackLatencyMs.p99} ms`,
          `max ${g.ackLatencyMs.max} ms`,
        ],
        [
          '   lost (acknowledged - stored)',
          lost,
          `${loss.acknowledged} acknowledged over all rounds, ${loss.stored} stored, ${loss.pendingOutbox} left in the outbox`,
        ],
        [
          '2. Bare node:http + HMAC + Redis SET NX',
          b.perSecond,
          `rounds ${b.rounds.join(', ')}; statuses ${JSON.stringify(b.statuses)}`,
        ],
        [
          '   ack latency p50 / p99',
          `${b.ackLatencyMs.p50} / ${b.ackLatencyMs.p99} ms`,
          `max ${b.ackLatencyMs.max} ms`,
        ],
        [
          '3. Gateway / bare',
          `${round(g.perSecond / b.perSecond)}x`,
          `p99 ${round(g.ackLatencyMs.p99 / b.ackLatencyMs.p99)}x the bare p99`,
        ],
      ],
    );
    const ok = lost === 0 && loss.pendingOutbox === 0 && Object.keys(g.statuses).every((k) => k === '200');
    if (!ok) progress('CHECK FAILED: a webhook was refused, lost or left unpublished');
    console.log(
      JSON.stringify({
        scenario: 'webhooks',
        quick,
        cpus: cpus().length,
        node: process.version,
        ok,
        ...results,
      }),
    );
    return ok ? 0 : 1;
  } finally {
    await bare?.stop();
    await gateway?.stop();
    await messaging.stop();
  }
}
