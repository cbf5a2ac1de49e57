// The ceiling for the gateway's webhook intake: a bare node:http server that does the same Standard Webhooks
// HMAC check over the raw body and one Redis write per accepted event (SET NX, the de-duplication), nothing
// else. Run as its own process, like the gateway, so both pay the same process boundaries.
import http from 'node:http';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';

const port = Number(process.env.PORT);
const webhook = new Webhook(process.env.WEBHOOK_SECRET);
const prefix = process.env.REDIS_PREFIX;
const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      webhook.verify(raw, {
        'webhook-id': req.headers['webhook-id'],
        'webhook-timestamp': req.headers['webhook-timestamp'],
        'webhook-signature': req.headers['webhook-signature'],
      });
    } catch {
      res.writeHead(401).end();
      return;
    }
    try {
      const fresh = await redis.set(`${prefix}:bare:${req.headers['webhook-id']}`, raw, 'EX', 3600, 'NX');
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"received":${fresh ? 1 : 0}}`);
    } catch {
      res.writeHead(503).end();
    }
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => redis.quit().then(() => process.exit(0))));
