import { fileURLToPath } from 'node:url';
import { allocateTestNamespace, freePort, startService } from '@parley/testing';
import { createJsonClient } from '../lib/http-client.mjs';
import { progress } from '../lib/report.mjs';

const MAIN_JS = fileURLToPath(new URL('../../../apps/terminal-core/dist/main.js', import.meta.url));
const PINO_WARN = 40;

export const redisUrl = 'redis://127.0.0.1:6379';

/** BENCH_CPU_PROF=<dir>: the child writes a V8 CPU profile there when it stops (what limits a figure). */
export function cpuProfileArgs() {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

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
  // The core keeps nothing in PostgreSQL: only Redis keys to delete.
  const ns = allocateTestNamespace('bench_tc', { databaseUrl: null, redisUrl });
  const [port, grpcPort] = [await freePort(), await freePort()];
  const env = {
    // startService passes only PATH from this process: nothing from the caller's shell leaks in.
    PORT: String(port),
    HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    GRPC_HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: ns.redisPrefix,
    JWKS_URL: tokens.jwksUrl,
    LOG_LEVEL: 'warn',
    // The default (20/s, bursts of 40) is a per-terminal abuse limit; the bench must not run into it.
    TERMINAL_MESSAGES_PER_SECOND: '100000',
  };
  const health = createJsonClient(`http://127.0.0.1:${port}`, { maxSockets: 1, timeoutMs: 5000 });

  let service;
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      health.close();
      const result = await service?.stop();
      try {
        await ns.cleanup();
        progress(
          `stopped terminal-core (${result?.signal ?? `exit ${result?.code}`}), deleted keys ${ns.redisPrefix}*`,
        );
        return true;
      } catch (err) {
        progress(`CLEAN-UP FAILED: Redis keys ${ns.redisPrefix}* (${err.message})`);
        return false;
      }
    })());
  onSpawn(stop);

  try {
    await startService({
      name: 'terminal-core',
      main: MAIN_JS,
      env,
      nodeArgs: cpuProfileArgs(),
      healthUrl: `http://127.0.0.1:${port}/health`,
      onOutputLine: (line) => {
        const entry = parseJson(line);
        if (!entry || entry.level >= PINO_WARN) process.stderr.write(`[terminal-core] ${line}\n`);
      },
      onSpawn: (spawned) => (service = spawned),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  progress(
    `terminal-core (pid ${service.child.pid}) listening: gRPC 127.0.0.1:${grpcPort}, prefix ${ns.redisPrefix}`,
  );

  return {
    name: 'terminal-core',
    address: `127.0.0.1:${grpcPort}`,
    pid: service.child.pid,
    exited: service.exited,
    stop,
    /** Metadata of a terminal stream: the bearer token that carries its msisdn. */
    async metadataFor({ msisdn }) {
      const token = await tokens.mintToken({ scopes: ['call.control.answer_and_initiate'], msisdn });
      return { authorization: `Bearer ${token}` };
    },
    /** How many terminals the core has registered (a MultiPipe stream gets no greeting to wait for). */
    async registered() {
      return (await health.get('/health')).body?.details?.terminals ?? 0;
    },
  };
}
