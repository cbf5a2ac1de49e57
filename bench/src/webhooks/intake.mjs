import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Webhook } from 'standardwebhooks';
import { round, summarize } from '../lib/stats.mjs';

/**
 * `senders` closed loops, each with one webhook in flight over a keep-alive connection, for `durationMs`.
 * Every webhook has a fresh id and is signed per Standard Webhooks over the exact bytes sent. Returns the
 * rate of acknowledged (200) webhooks, their ack latencies and the ids acknowledged, for the loss check.
 */
export async function measureIntake({ baseUrl, path, secret, senders, durationMs, body }) {
  const signer = new Webhook(secret);
  const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
  const { hostname, port } = new URL(baseUrl);
  const latencies = [];
  const acknowledged = [];
  const statuses = {};

  const post = (id, payload) =>
    new Promise((resolve, reject) => {
      const timestamp = new Date();
      const headers = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signer.sign(id, timestamp, payload),
      };
      const req = http.request({ agent, hostname, port, method: 'POST', path, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });

  const began = performance.now();
  const deadline = began + durationMs;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (performance.now() < deadline) {
        const id = `msg_${randomUUID()}`;
        const payload = JSON.stringify(body(id));
        const sent = performance.now();
        let status;
        try {
          status = await post(id, payload);
        } catch {
          status = 'error';
        }
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) {
          latencies.push(performance.now() - sent);
          acknowledged.push(id);
        }
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  agent.destroy();
  return {
    acknowledged: acknowledged.length,
    ids: acknowledged,
    statuses,
    seconds: round(seconds),
    perSecond: round(acknowledged.length / seconds, 1),
    ackLatencyMs: summarize(latencies),
  };
}
