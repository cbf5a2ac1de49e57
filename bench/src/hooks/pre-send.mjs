import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { messagingApi } from '../messaging/api.mjs';
import { startMessagingService } from '../messaging/service.mjs';
import { progress } from '../lib/report.mjs';
import { round, summarize } from '../lib/stats.mjs';

const CLIENT_ID = 'bench-hooks';
const ACCEPT = JSON.stringify({ action: 'accept' });

/** A customer's hook that accepts every message at once: what remains is the cost of the call itself. */
async function startAcceptingHook() {
  let calls = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': ACCEPT.length }).end(ACCEPT);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/pre-send`,
    get calls() {
      return calls;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `senders` closed-loop clients, each in its own group conversation, for `durationMs` after `warmupMs`. */
async function closedLoop(api, conversations, { warmupMs, durationMs, tag }) {
  const latencies = [];
  const failures = new Map();
  const measureFrom = performance.now() + warmupMs;
  const measureUntil = measureFrom + durationMs;
  await Promise.all(
    conversations.map(async ({ user, id }, i) => {
      for (let n = 0; performance.now() < measureUntil && !api.closed; n++) {
        const started = performance.now();
        let status;
        try {
          status = (await api.sendText(user, id, `${tag}-${i}-${n}`, `pre-send bench ${n}`)).status;
        } catch (err) {
          status = err.code ?? err.message;
        }
        if (started < measureFrom) continue;
        if (status === 201) latencies.push(performance.now() - started);
        else failures.set(status, (failures.get(status) ?? 0) + 1);
      }
    }),
  );
  return { latencies, failures };
}

/**
 * What a pre-send hook adds to a send. The built messaging service runs with a machine client holding
 * `webhooks.manage`; a local hook answers `accept` at once. Rounds alternate: a `type:group` hook is put,
 * `senders` clients send in a closed loop, the hook is deleted, the same loop runs again without it (on one
 * node a change applies at once). Latencies of the HTTP send (request to 201) are pooled per mode.
 */
export async function measurePreSendLatency({
  senders = 4,
  rounds = 3,
  roundMs = 5000,
  warmupMs = 500,
} = {}) {
  const clientSecret = randomBytes(24).toString('base64url');
  const messaging = await startMessagingService({
    OAUTH_CLIENTS: JSON.stringify([{ id: CLIENT_ID, secret: clientSecret, scopes: ['webhooks.manage'] }]),
    // The hook listens on loopback, which hooks may not reach unless listed.
    OUTBOUND_ALLOWED_INTERNAL: '127.0.0.1',
  });
  const api = messagingApi(messaging.url, { maxSockets: 64 });
  const hook = await startAcceptingHook();
  try {
    const token = await clientToken(api, clientSecret);
    const users = await api.signUpMany('hook', senders);
    const conversations = [];
    for (const user of users) conversations.push({ user, id: (await api.createGroup(user, [])).id });

    const putHook = async () => {
      const res = await api.http.request('PUT', '/v1/server/pre-send-hooks/type:group', {
        token,
        body: { url: hook.url, timeoutMs: 2000, fallback: 'reject' },
      });
      if (res.status !== 201 && res.status !== 200)
        throw new Error(`put hook: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    };
    const deleteHook = async () => {
      const res = await api.http.request('DELETE', '/v1/server/pre-send-hooks/type:group', { token });
      if (res.status !== 204) throw new Error(`delete hook: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    };

    const modes = { with: { latencies: [], failures: 0 }, without: { latencies: [], failures: 0 } };
    for (let r = 1; r <= rounds; r++) {
      for (const mode of r % 2 === 1 ? ['with', 'without'] : ['without', 'with']) {
        progress(`pre-send round ${r}/${rounds}: ${mode} a hook, ${senders} senders, ${roundMs} ms`);
        if (mode === 'with') await putHook();
        const run = await closedLoop(api, conversations, {
          warmupMs,
          durationMs: roundMs,
          tag: `${mode}${r}`,
        });
        if (mode === 'with') await deleteHook();
        modes[mode].latencies.push(...run.latencies);
        modes[mode].failures += [...run.failures.values()].reduce((a, b) => a + b, 0);
      }
    }
    const withHook = summarize(modes.with.latencies);
    const without = summarize(modes.without.latencies);
    return {
      senders,
      rounds,
      roundMs,
      hookCalls: hook.calls,
      withHook: { ...withHook, failures: modes.with.failures },
      withoutHook: { ...without, failures: modes.without.failures },
      addedMs: { p50: round(withHook.p50 - without.p50), p99: round(withHook.p99 - without.p99) },
    };
  } finally {
    api.close();
    await hook.stop();
    await messaging.stop();
  }
}

async function clientToken(api, clientSecret) {
  const res = await api.http.post('/oauth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: clientSecret,
  });
  if (res.status !== 200) throw new Error(`client token: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token;
}
