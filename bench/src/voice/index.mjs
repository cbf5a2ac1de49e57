import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { createJsonClient } from '../lib/http-client.mjs';
import { printTable, progress } from '../lib/report.mjs';
import { round } from '../lib/stats.mjs';
import { withTimeout } from '../lib/time.mjs';
import { messagingApi } from '../messaging/api.mjs';
import { startMessagingService } from '../messaging/service.mjs';
import { measureDirectCalls, measureRelayedCalls } from './calls.mjs';
import { startVoiceProxyService } from './service.mjs';

const CLIENT_ID = 'voice-proxy';

const settings = {
  full: { callers: 8, roundMs: 10_000, rounds: 3, budgetMs: 300_000 },
  quick: { callers: 2, roundMs: 2_000, rounds: 1, budgetMs: 120_000 },
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** The round with the median signal rate, so its latencies and rate belong together. */
function medianRound(rounds) {
  const rate = median(rounds.map((r) => r.signalsPerSecond));
  return {
    ...rounds.find((r) => r.signalsPerSecond === rate),
    rounds: rounds.map((r) => r.signalsPerSecond),
  };
}

async function prepare(api, proxyHttp, users, line) {
  const { customers, operators, callers, callees } = users;
  for (const operator of operators) {
    const res = await proxyHttp.request('PUT', '/v1/support/availability', {
      token: operator.token,
      body: { available: true },
    });
    if (res.status !== 200) throw new Error(`availability: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
  const supportCalls = await Promise.all(
    customers.map(async (user) => ({ user, cid: (await api.createGroup(user, [])).id })),
  );
  const pairs = await Promise.all(
    callers.map(async (caller, i) => {
      const res = await api.http.post('/v1/conversations', caller.token, {
        type: 'direct',
        participants: [callees[i].id],
      });
      return { caller, callee: callees[i], cid: res.body.id };
    }),
  );
  return { customers: supportCalls, operators, pairs, line };
}

/**
 * `voice [--quick]`: the same call loop (start → accept → stop) through the voice proxy and directly between
 * two users through messaging alone, interleaved round by round in one run; medians of the rounds.
 */
export async function runVoiceBench({ quick }) {
  const s = quick ? settings.quick : settings.full;
  const clientSecret = randomBytes(24).toString('base64url');
  const messaging = await startMessagingService({
    OAUTH_CLIENTS: JSON.stringify([{ id: CLIENT_ID, secret: clientSecret, scopes: ['voice.proxy'] }]),
  });
  const api = messagingApi(messaging.url, { maxSockets: 64 });
  let proxy;
  let proxyHttp;
  try {
    const [customers, operators, callers, callees] = await Promise.all([
      api.signUpMany('cust', s.callers),
      api.signUpMany('oper', s.callers),
      api.signUpMany('caller', s.callers),
      api.signUpMany('callee', s.callers),
    ]);
    proxy = await startVoiceProxyService({
      messagingUrl: messaging.url,
      redisPrefix: messaging.redisPrefix,
      clientId: CLIENT_ID,
      clientSecret,
      operators: operators.map((o) => o.username),
    });
    proxyHttp = createJsonClient(proxy.url);
    const line = (await proxyHttp.get('/v1/support', customers[0].token)).body.line;
    const setup = await prepare(api, proxyHttp, { customers, operators, callers, callees }, line);

    const results = await withTimeout(
      (async () => {
        const direct = [];
        const relayed = [];
        for (let round = 1; round <= s.rounds; round++) {
          progress(`round ${round}/${s.rounds}: direct`);
          direct.push(
            await measureDirectCalls({
              api,
              baseUrl: messaging.url,
              pairs: setup.pairs,
              durationMs: s.roundMs,
            }),
          );
          progress(`round ${round}/${s.rounds}: through the proxy`);
          relayed.push(
            await measureRelayedCalls({
              api,
              baseUrl: messaging.url,
              customers: setup.customers,
              operators: setup.operators,
              line,
              durationMs: s.roundMs,
            }),
          );
        }
        return { direct: medianRound(direct), relayed: medianRound(relayed) };
      })(),
      s.budgetMs,
      'voice benchmark',
    );
    const { direct: d, relayed: r } = results;
    printTable(
      `Parley voice benchmark${quick ? ' (--quick)' : ''}: ${cpus().length} CPUs, Node ${process.version}`,
      [
        [
          '1. Relayed signals/s (proxy)',
          r.signalsPerSecond,
          `${r.calls} calls by ${s.callers} customers to ${s.callers} operators in ${r.seconds} s; rounds ${r.rounds.join(', ')}; ${r.failures} failed`,
        ],
        [
          '   start at customer -> at operator p50 / p99',
          `${r.startLatencyMs.p50} / ${r.startLatencyMs.p99} ms`,
          `every hop p50 ${r.hopLatencyMs.p50} ms, p99 ${r.hopLatencyMs.p99} ms`,
        ],
        [
          '2. Direct signals/s (no proxy)',
          d.signalsPerSecond,
          `${d.calls} calls by ${s.callers} pairs in ${d.seconds} s; rounds ${d.rounds.join(', ')}; ${d.failures} failed`,
        ],
        [
          '   start at caller -> at callee p50 / p99',
          `${d.startLatencyMs.p50} / ${d.startLatencyMs.p99} ms`,
          `every hop p50 ${d.hopLatencyMs.p50} ms, p99 ${d.hopLatencyMs.p99} ms`,
        ],
        [
          '3. Proxy / direct',
          `${round(r.signalsPerSecond / d.signalsPerSecond)}x`,
          `start latency ${round(r.startLatencyMs.p50 / d.startLatencyMs.p50)}x the direct p50`,
        ],
      ],
    );
    const ok = r.failures === 0 && d.failures === 0;
    if (!ok) progress(`CHECK FAILED ${r.firstError ?? d.firstError}`);
    console.log(
      JSON.stringify({
        scenario: 'voice',
        quick,
        cpus: cpus().length,
        node: process.version,
        ok,
        ...results,
      }),
    );
    return ok ? 0 : 1;
  } finally {
    api.close();
    proxyHttp?.close();
    await proxy?.stop();
    await messaging.stop();
  }
}
