import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { allocateTestNamespace, freePort, startService } from '@parley/testing';
import { progress } from '../lib/report.mjs';
import { databaseUrl, redisUrl } from '../messaging/service.mjs';

const GATEWAY_MAIN = fileURLToPath(new URL('../../../apps/webhook-gateway/dist/main.js', import.meta.url));
const BARE_MAIN = fileURLToPath(new URL('./bare-receiver.mjs', import.meta.url));
const PINO_WARN = 40;

function echoWarnings(name) {
  return (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    if (!entry || entry.level >= PINO_WARN) process.stderr.write(`[${name}] ${line}\n`);
  };
}

/** The built gateway in a schema of its own, sharing messaging's Redis prefix (the bus). */
export async function startGatewayService({
  messagingUrl,
  redisPrefix,
  clientId,
  clientSecret,
  webhookSecret,
}) {
  const ns = allocateTestNamespace('bench-gw', { databaseUrl, redisUrl });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let service;
  try {
    await startService({
      name: 'webhook-gateway',
      main: GATEWAY_MAIN,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        DB_SCHEMA: ns.schema,
        REDIS_URL: redisUrl,
        REDIS_PREFIX: redisPrefix,
        LOG_LEVEL: 'warn',
        JWKS_URL: `${messagingUrl}/.well-known/jwks.json`,
        MESSAGING_URL: messagingUrl,
        WEBHOOK_GATEWAY_CLIENT_ID: clientId,
        WEBHOOK_GATEWAY_CLIENT_SECRET: clientSecret,
        PARLEY_PROVIDER_WEBHOOK_SECRET: webhookSecret,
        GATEWAY_PUBLIC_URL: url,
        RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
      },
      healthUrl: `${url}/health`,
      onOutputLine: echoWarnings('webhook-gateway'),
      onSpawn: (spawned) => (service = spawned),
    });
  } catch (err) {
    await service?.stop();
    await ns.cleanup();
    throw err;
  }
  progress(`webhook-gateway (pid ${service.child.pid}) listening on 127.0.0.1:${port} (schema ${ns.schema})`);
  return {
    url,
    schema: ns.schema,
    exited: service.exited,
    async stop() {
      await service.stop();
      await ns.cleanup();
    },
  };
}

/** The ceiling: bare-receiver.mjs as its own process. */
export async function startBareReceiver({ redisPrefix, webhookSecret }) {
  const port = await freePort();
  const child = spawn(process.execPath, [BARE_MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      WEBHOOK_SECRET: webhookSecret,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await Promise.race([
    once(child.stdout, 'data'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`bare receiver exited (${code})`))),
  ]);
  if (!String(line).includes('listening')) throw new Error(`bare receiver said ${line}`);
  progress(`bare node:http receiver (pid ${child.pid}) listening on 127.0.0.1:${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
