import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { connectMessagingDevice, GrpcTerminal, randomMsisdn, RepairingDevice } from '@parley/testing';
import { createJsonClient } from '../lib/http-client.mjs';
import { mapLimit } from '../lib/pool.mjs';
import { printTable, progress } from '../lib/report.mjs';
import { round, summarize } from '../lib/stats.mjs';
import { sleep, withTimeout } from '../lib/time.mjs';
import { Deployment } from './services.mjs';

const settings = {
  full: {
    users: 8,
    ratePerSecond: 60,
    beforeKillMs: 15_000,
    afterKillMs: 15_000,
    calls: 4,
    budgetMs: 300_000,
  },
  quick: {
    users: 4,
    ratePerSecond: 30,
    beforeKillMs: 5_000,
    afterKillMs: 5_000,
    calls: 2,
    budgetMs: 180_000,
  },
};
/** How long, after the load stops, devices and the webhook endpoint may take to have everything. */
const SETTLE_MS = 90_000;

/** Polls `check` until it returns true or the deadline passes; false then. */
async function until(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}

/** The local endpoint of the outgoing webhooks: which messages it got (by webhook-id, so retries count once). */
async function startWebhookReceiver() {
  const byWebhookId = new Map();
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests++;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        byWebhookId.set(String(req.headers['webhook-id']), body.data?.payload?.message?.id);
      } catch {
        // counted as a request, not as a delivery
      }
      res.writeHead(200).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    messageIds: () => new Set(byWebhookId.values()),
    get distinct() {
      return byWebhookId.size;
    },
    get requests() {
      return requests;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function openTerminal(grpcPort, token) {
  const terminal = GrpcTerminal.open(grpcPort, token, 'multi');
  const probe = randomUUID();
  terminal.answer(probe);
  await terminal.next('error', probe);
  return terminal;
}

async function activeCall(caller, callee, calleeMsisdn) {
  const id = randomUUID();
  caller.offer(id, calleeMsisdn);
  await callee.next('offer', id);
  callee.answer(id);
  await caller.next('answer', id);
  return { caller, callee, id };
}

/**
 * `several-nodes [--quick]`: two messaging and two terminal-core processes, a voice proxy and a webhook
 * gateway, under a steady send rate spread over both messaging nodes, with devices on both; halfway one
 * messaging and one core process are killed (SIGKILL). Prints what was accepted and delivered, the
 * send→deliver latency across nodes, the losses after the kill (must be 0) and how long devices took to
 * reconnect and repair.
 */
export async function runSeveralNodesBench({ quick }) {
  const s = quick ? settings.quick : settings.full;
  const clients = {
    voice: { id: 'voice-proxy', secret: randomBytes(24).toString('base64url') },
    gateway: { id: 'webhook-gateway', secret: randomBytes(24).toString('base64url') },
    hooks: { id: 'bench-hooks', secret: randomBytes(24).toString('base64url') },
  };
  const oauthClients = [
    { ...clients.voice, scopes: ['voice.proxy'] },
    { ...clients.gateway, scopes: ['voice.proxy'] },
    { ...clients.hooks, scopes: ['webhooks.manage'] },
  ];
  const deployment = new Deployment();
  const open = [];
  let cleaned = false;
  try {
    const result = await withTimeout(
      (async () => {
        // One after the other: the first migrates the schema and writes the signing key both use.
        const nodeA = await deployment.startMessaging('a', oauthClients);
        const nodeB = await deployment.startMessaging('b', oauthClients);
        const jwks = `${nodeB.url}/.well-known/jwks.json`;
        const run = randomBytes(3).toString('hex');
        const operatorName = `op${run}`;
        const [coreA, coreB, proxy, gateway] = await Promise.all([
          deployment.startCore('core-a', jwks),
          deployment.startCore('core-b', jwks),
          deployment.startVoiceProxy(nodeB.url, clients.voice, [operatorName]),
          deployment.startGateway(nodeB.url, clients.gateway),
        ]);
        const http = [
          createJsonClient(nodeA.url, { maxSockets: 64, timeoutMs: 10_000 }),
          createJsonClient(nodeB.url, { maxSockets: 64, timeoutMs: 10_000 }),
        ];
        open.push(...http.map((h) => ({ close: () => h.close() })));
        const gatewayHttp = createJsonClient(gateway.url);
        const proxyHttp = createJsonClient(proxy.url);
        open.push(gatewayHttp, proxyHttp);

        const receiver = await startWebhookReceiver();
        open.push(receiver);
        const hooksToken = (
          await http[1].post('/oauth/token', undefined, {
            grant_type: 'client_credentials',
            client_id: clients.hooks.id,
            client_secret: clients.hooks.secret,
          })
        ).body.access_token;
        const endpoint = await gatewayHttp.post('/v1/webhooks/endpoints', hooksToken, {
          url: receiver.url,
          topics: ['message.sent'],
        });
        if (endpoint.status !== 201) throw new Error(`webhook endpoint: HTTP ${endpoint.status}`);

        // Users (signed up on alternate nodes), each in a group with the next user; two devices each, one per node.
        const users = await mapLimit(
          Array.from({ length: s.users }, (_, i) => i),
          4,
          async (i) => {
            const msisdn = randomMsisdn();
            const res = await http[i % 2].post('/v1/auth/signup', undefined, {
              username: `nodes${run}u${i}`,
              password: 'bench password 1234',
              msisdn,
            });
            if (res.status !== 201)
              throw new Error(`sign-up: HTTP ${res.status} ${JSON.stringify(res.body)}`);
            return {
              i,
              id: res.body.user.id,
              token: res.body.tokens.access_token,
              msisdn,
              conversations: [],
              devices: [],
            };
          },
        );
        const conversations = [];
        for (const user of users) {
          const peer = users[(user.i + 1) % users.length];
          const res = await http[user.i % 2].post('/v1/conversations', user.token, {
            type: 'group',
            participants: [peer.id],
          });
          if (res.status !== 201) throw new Error(`conversation: HTTP ${res.status}`);
          const conversation = { id: res.body.id, members: [user, peer] };
          conversations.push(conversation);
          user.conversations.push(conversation);
          peer.conversations.push(conversation);
        }

        // Per message: when it was sent and through which node; per delivery: when and on which node.
        const sent = new Map();
        const deliveries = [];
        const urls = [nodeA.url, nodeB.url];
        for (const user of users)
          for (const first of [0, 1]) {
            let device;
            device = await RepairingDevice.connect({
              urls: [urls[first], urls[1 - first]],
              token: user.token,
              onEvent: (event, how, at) => {
                if (event.type !== 'message.sent') return;
                deliveries.push({ messageId: event.payload.message.id, node: device.url, how, at });
              },
            });
            user.conversations.forEach((c) => device.track(c.id));
            user.devices.push(device);
            open.push(device);
          }
        const devices = users.flatMap((u) => u.devices);

        // Terminal calls across the core nodes: half owned by the node that dies, half by the survivor.
        const calls = [];
        for (let c = 0; c < s.calls; c++) {
          const [a, b] = [users[c % users.length], users[(c + 1) % users.length]];
          const onA = c % 2 === 0;
          const caller = await openTerminal((onA ? coreA : coreB).grpcPort, a.token);
          const callee = await openTerminal((onA ? coreB : coreA).grpcPort, b.token);
          open.push(caller, callee);
          calls.push(await activeCall(caller, callee, b.msisdn));
        }

        // One support call through the voice proxy, across the kill.
        const operator = await http[1].post('/v1/auth/signup', undefined, {
          username: operatorName,
          password: 'bench password 1234',
        });
        const operatorToken = operator.body.tokens.access_token;
        await proxyHttp.request('PUT', '/v1/support/availability', {
          token: operatorToken,
          body: { available: true },
        });
        const customer = users[0];
        const supportCid = (
          await http[1].post('/v1/conversations', customer.token, { type: 'group', participants: [] })
        ).body.id;
        const operatorDevice = await connectMessagingDevice(nodeB.url, operatorToken);
        const customerDevice = await connectMessagingDevice(nodeB.url, customer.token);
        open.push(operatorDevice, customerDevice);
        const supportCall = `bench-${randomUUID()}`;
        const toLine = (node, token, kind, peerInfo) =>
          http[node].post('/v1/voice/signals', token, {
            kind,
            to: clients.voice.id,
            cid: supportCid,
            call_id: supportCall,
            ...(peerInfo ? { peer_info: peerInfo } : {}),
          });
        await toLine(0, customer.token, 'start', 'v=0 offer');
        await operatorDevice.next('start', supportCall, 20_000);
        await toLine(0, operatorToken, 'accept', 'v=0 answer');
        await customerDevice.next('accept', supportCall, 20_000);

        // The steady load: `ratePerSecond` sends, spread over users and both nodes. A send that fails is
        // retried on the other node with the same clientMessageId.
        let failedAttempts = 0;
        let unaccepted = 0;
        const inFlight = new Set();
        const send = async (user, conversation, clientMessageId, node) => {
          const sentAt = performance.now();
          for (let attempt = 0; attempt < 6; attempt++, node = 1 - node) {
            try {
              const res = await http[node].post(`/v1/conversations/${conversation.id}/messages`, user.token, {
                clientMessageId,
                parts: [{ mimeType: 'text/plain', body: clientMessageId }],
              });
              if (res.status === 201 || res.status === 200) {
                sent.set(res.body.id, {
                  conversation,
                  seq: res.body.seq,
                  node: urls[node],
                  sentAt,
                  acceptedAt: performance.now(),
                });
                return;
              }
            } catch {
              // the node went away under the request
            }
            failedAttempts++;
          }
          unaccepted++;
        };
        const load = async (durationMs, startIndex) => {
          const started = performance.now();
          let n = startIndex;
          while (performance.now() - started < durationMs) {
            const user = users[n % users.length];
            const conversation = user.conversations[Math.floor(n / users.length) % user.conversations.length];
            const p = send(user, conversation, `${run}-${n}`, n % 2);
            inFlight.add(p);
            void p.finally(() => inFlight.delete(p));
            n++;
            const due = started + ((n - startIndex) * 1000) / s.ratePerSecond;
            await sleep(Math.max(0, due - performance.now()));
          }
          return n;
        };

        progress(`load: ${s.ratePerSecond} sends/s for ${s.beforeKillMs / 1000} s, then the kill`);
        const loadStarted = performance.now();
        const next = await load(s.beforeKillMs, 0);
        const acceptedBeforeKill = sent.size;
        const killedAt = performance.now();
        const killedAtWall = Date.now();
        nodeA.kill();
        coreA.kill();
        progress(
          `killed messaging-a (pid ${nodeA.pid}) and terminal-core-core-a (pid ${coreA.pid}); load goes on for ${s.afterKillMs / 1000} s`,
        );
        await load(s.afterKillMs, next);
        await Promise.all([...inFlight]);
        const loadSeconds = (performance.now() - loadStarted) / 1000;

        // After the kill: the calls the dead node shared end with a Bye; the support call ends normally.
        const byeAt = await Promise.all(
          calls.map(async (call, c) => {
            const survivor = c % 2 === 0 ? call.callee : call.caller;
            const bye = await survivor.next('bye', call.id, 40_000).catch(() => undefined);
            return bye ? Date.now() - killedAtWall : undefined;
          }),
        );
        await toLine(1, customer.token, 'stop');
        const supportEnded = await Promise.all([
          operatorDevice.next('summary', supportCall, 20_000),
          customerDevice.next('summary', supportCall, 20_000),
        ]).then(
          () => true,
          () => false,
        );

        // Wait for every device and the webhook endpoint to have every accepted message (or the deadline).
        const expected = devices.length > 0 ? [...sent.entries()] : [];
        const missingAt = () => {
          let missing = 0;
          for (const user of users)
            for (const device of user.devices)
              for (const [, m] of expected)
                if (
                  m.conversation.members.includes(user) &&
                  !device.seqsOf(m.conversation.id).includes(m.seq)
                )
                  missing++;
          return missing;
        };
        const webhookMissing = () => {
          const got = receiver.messageIds();
          return expected.filter(([id]) => !got.has(id)).length;
        };
        await until(() => missingAt() === 0 && webhookMissing() === 0, SETTLE_MS);
        const deviceLosses = missingAt();
        const webhookLosses = webhookMissing();

        // Latency: each message's arrival at each device (a device reports a seq once), from the start of its send.
        const wallToPerf = Date.now() - performance.now();
        const cross = [];
        const same = [];
        for (const d of deliveries) {
          const m = sent.get(d.messageId);
          if (!m) continue;
          const latency = d.at - wallToPerf - m.sentAt;
          (d.node === m.node ? same : cross).push(latency);
        }
        const recoveries = devices.flatMap((d) => d.recoveryMs);
        const delivered = devices.reduce(
          (sum, d) => sum + expected.filter(([, m]) => d.seqsOf(m.conversation.id).includes(m.seq)).length,
          0,
        );
        const figures = {
          acceptedPerSecond: round(sent.size / loadSeconds),
          deliveredPerSecond: round(delivered / loadSeconds),
          accepted: sent.size,
          acceptedBeforeKill,
          unaccepted,
          failedAttempts,
          delivered,
          repairedEvents: devices.reduce((sum, d) => sum + d.repairedEvents, 0),
          crossNodeMs: summarize(cross),
          sameNodeMs: summarize(same),
          acceptMs: summarize([...sent.values()].map((m) => m.acceptedAt - m.sentAt)),
          lossesAfterKill: { devices: deviceLosses, webhooks: webhookLosses },
          webhooks: { distinct: receiver.distinct, requests: receiver.requests },
          reconnects: devices.reduce((sum, d) => sum + d.reconnects, 0),
          reconnectAndRepairMs: summarize(recoveries),
          callsEndedWithBye: byeAt.filter((t) => t !== undefined).length,
          calls: calls.length,
          byeAfterKillMs: summarize(byeAt.filter((t) => t !== undefined)),
          supportCallEnded: supportEnded,
          killedAfterSeconds: round((killedAt - loadStarted) / 1000),
        };
        return figures;
      })(),
      s.budgetMs,
      'several-nodes benchmark',
    );
    const r = result;
    printTable(
      `Parley several-nodes benchmark${quick ? ' (--quick)' : ''}: ${cpus().length} CPUs, Node ${process.version}`,
      [
        [
          'Messages/s accepted',
          r.acceptedPerSecond,
          `${r.accepted} sends accepted (${r.acceptedBeforeKill} before the kill at ${r.killedAfterSeconds} s), ${r.failedAttempts} attempts retried on the other node, ${r.unaccepted} never accepted`,
        ],
        [
          'Messages/s delivered',
          r.deliveredPerSecond,
          `${r.delivered} deliveries to devices, ${r.repairedEvents} of them by repair`,
        ],
        [
          'send -> deliver across nodes p50 / p99',
          `${r.crossNodeMs.p50} / ${r.crossNodeMs.p99} ms`,
          `sent on one node, device on the other (${r.crossNodeMs.count}); same node p50 ${r.sameNodeMs.p50}, p99 ${r.sameNodeMs.p99} ms`,
        ],
        [
          'send -> 2xx p50 / p99',
          `${r.acceptMs.p50} / ${r.acceptMs.p99} ms`,
          'committed and published by the node that took it (a retry on the other node included)',
        ],
        [
          'Losses after the kill (must be 0)',
          r.lossesAfterKill.devices + r.lossesAfterKill.webhooks,
          `devices ${r.lossesAfterKill.devices}, webhooks ${r.lossesAfterKill.webhooks}; webhooks ${r.webhooks.distinct} distinct ids in ${r.webhooks.requests} requests`,
        ],
        [
          'Reconnect + repair p50 / max',
          `${r.reconnectAndRepairMs.p50} / ${r.reconnectAndRepairMs.max} ms`,
          `${r.reconnects} devices moved to the surviving node`,
        ],
        [
          'Calls of the dead core ended with Bye',
          `${r.callsEndedWithBye} / ${r.calls}`,
          `Bye ${r.byeAfterKillMs.p50} ms (p50), ${r.byeAfterKillMs.max} ms (max) after the kill; support call ended: ${r.supportCallEnded}`,
        ],
      ],
    );
    const ok =
      r.lossesAfterKill.devices === 0 &&
      r.lossesAfterKill.webhooks === 0 &&
      r.unaccepted === 0 &&
      r.callsEndedWithBye === r.calls &&
      r.supportCallEnded;
    if (!ok)
      progress(
        'CHECK FAILED: something accepted was lost, a call did not end or the support call did not finish',
      );
    console.log(
      JSON.stringify({
        scenario: 'several-nodes',
        quick,
        cpus: cpus().length,
        node: process.version,
        ok,
        ...r,
      }),
    );
    for (const c of open.splice(0)) c.close();
    cleaned = await deployment.stopAll();
    return ok && cleaned ? 0 : 1;
  } finally {
    for (const c of open) c.close();
    if (!cleaned) await deployment.stopAll();
  }
}
