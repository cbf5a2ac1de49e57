import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '@parley/testing';
import { redisUrl, startBuiltService } from '../lib/built-service.mjs';
import { progress } from '../lib/report.mjs';

const GATEWAY_MAIN = fileURLToPath(new URL('../../../apps/webhook-gateway/dist/main.js', import.meta.url));
const BARE_MAIN = fileURLToPath(new URL('./bare-receiver.mjs', import.meta.url));

/** The built gateway in a schema of its own, sharing messaging's Redis prefix (the bus). */
export function startGatewayService({ messagingUrl, redisPrefix, clientId, clientSecret, webhookSecret }) {
  return startBuiltService({
    name: 'webhook-gateway',
    mainJs: GATEWAY_MAIN,
    label: 'bench-gw',
    redisPrefix,
    env: ({ url }) => ({
      JWKS_URL: `${messagingUrl}/.well-known/jwks.json`,
      MESSAGING_URL: messagingUrl,
      WEBHOOK_GATEWAY_CLIENT_ID: clientId,
      WEBHOOK_GATEWAY_CLIENT_SECRET: clientSecret,
      PARLEY_PROVIDER_WEBHOOK_SECRET: webhookSecret,
      GATEWAY_PUBLIC_URL: url,
      RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
    }),
  });
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
