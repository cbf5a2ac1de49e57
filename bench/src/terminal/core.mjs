import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePort, spawnLoggingProcess } from '../lib/child-process.mjs';
import { createJsonClient } from '../lib/http-client.mjs';
import { deleteKeys } from '../lib/redis-keys.mjs';
import { progress } from '../lib/report.mjs';

const MAIN_JS = fileURLToPath(new URL('../../../apps/terminal-core/dist/main.js', import.meta.url));
const PINO_WARN = 40;

export const redisUrl = 'redis://127.0.0.1:6379';

function parseJson(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Starts the built terminal core as a child process under a Redis prefix of its own and returns it as a
 * target for the setup loop: terminals authenticate with a bearer token from `tokens`. stop() also deletes
 * the prefix's keys; it is handed to `onSpawn` at once, so Ctrl-C during start-up cleans up too.
 */
export async function startTerminalCore(tokens, onSpawn) {
  const redisPrefix = `bench:tc-${randomBytes(4).toString('hex')}`;
  const [port, grpcPort] = [await freePort(), await freePort()];
  const env = {
    // A clean environment: nothing from the caller's shell leaks into the core's configuration.
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    GRPC_HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    JWKS_URL: tokens.jwksUrl,
    // `info`, not `warn`: the readiness line `terminal-core listening` is logged at info.
    LOG_LEVEL: 'info',
    // The default (20/s, bursts of 40) is a per-terminal abuse limit; the bench must not run into it.
    TERMINAL_MESSAGES_PER_SECOND: '100000',
  };
  let callsEndedLogged = 0;
  const proc = spawnLoggingProcess(MAIN_JS, {
    env,
    onLine: (line) => {
      // The core logs one info line per ended call; count those without parsing them.
      if (line.includes('"msg":"call ended"')) {
        callsEndedLogged++;
        return;
      }
      const entry = parseJson(line);
      if (!entry || entry.level >= PINO_WARN) process.stderr.write(`[terminal-core] ${line}\n`);
    },
  });
  const health = createJsonClient(`http://127.0.0.1:${port}`, { maxSockets: 1, timeoutMs: 5000 });

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      health.close();
      const result = await proc.stop();
      try {
        const deleted = await deleteKeys(redisUrl, `${redisPrefix}:`);
        progress(
          `stopped terminal-core (${result.signal ?? `exit ${result.code}`}), deleted ${deleted} keys ${redisPrefix}:*`,
        );
        return true;
      } catch (err) {
        progress(`CLEAN-UP FAILED: Redis keys ${redisPrefix}:* (${err.message})`);
        return false;
      }
    })());
  onSpawn(stop);

  try {
    await proc.waitForLine((line) => parseJson(line)?.msg === 'terminal-core listening', 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  progress(
    `terminal-core (pid ${proc.child.pid}) listening: gRPC 127.0.0.1:${grpcPort}, prefix ${redisPrefix}`,
  );

  return {
    name: 'terminal-core',
    address: `127.0.0.1:${grpcPort}`,
    pid: proc.child.pid,
    exited: proc.exited,
    stop,
    get callsEndedLogged() {
      return callsEndedLogged;
    },
    /** Metadata of a terminal stream: the bearer token that carries its msisdn. */
    async metadataFor({ msisdn }) {
      return { authorization: `Bearer ${await tokens.tokenFor(msisdn)}` };
    },
    /** How many terminals the core has registered (a MultiPipe stream gets no greeting to wait for). */
    async registered() {
      return (await health.get('/health')).body?.terminals ?? 0;
    },
  };
}
