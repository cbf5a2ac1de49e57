import { fileURLToPath } from 'node:url';
import { allocateTestNamespace, freePort, startService } from '@parley/testing';
import { progress } from '../lib/report.mjs';
import { databaseUrl, redisUrl } from '../messaging/service.mjs';

const MAIN_JS = fileURLToPath(new URL('../../../apps/voice-proxy/dist/main.js', import.meta.url));
const PINO_WARN = 40;

/**
 * Starts the built voice proxy as a child process: its own schema, the messaging service's Redis prefix
 * (they share the bus), and the machine client messaging was started with.
 */
export async function startVoiceProxyService({
  messagingUrl,
  redisPrefix,
  clientId,
  clientSecret,
  operators,
}) {
  const ns = allocateTestNamespace('bench-voice', { databaseUrl, redisUrl });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let service;
  try {
    await startService({
      name: 'voice-proxy',
      main: MAIN_JS,
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
        VOICE_PROXY_CLIENT_ID: clientId,
        VOICE_PROXY_CLIENT_SECRET: clientSecret,
        SUPPORT_OPERATORS: operators.join(','),
        RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
      },
      healthUrl: `${url}/health`,
      onOutputLine: (line) => {
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          entry = undefined;
        }
        if (!entry || entry.level >= PINO_WARN) process.stderr.write(`[voice-proxy] ${line}\n`);
      },
      onSpawn: (spawned) => (service = spawned),
    });
  } catch (err) {
    await service?.stop();
    await ns.cleanup();
    throw err;
  }
  progress(`voice-proxy (pid ${service.child.pid}) listening on 127.0.0.1:${port} (schema ${ns.schema})`);
  return {
    url,
    async stop() {
      await service.stop();
      await ns.cleanup();
    },
  };
}
