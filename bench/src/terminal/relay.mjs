import { fileURLToPath } from 'node:url';
import { freePort, startService } from '@parley/testing';
import { progress } from '../lib/report.mjs';
import { cpuProfileArgs } from './core.mjs';

const RELAY_JS = fileURLToPath(new URL('./relay-server.mjs', import.meta.url));
const PAIR_HEADER = 'x-bench-pair';

function parseJson(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Starts the echo-relay (the ceiling) as a child process and returns it as a target for the setup loop:
 * the two streams of a pair carry the same pair id in a metadata header instead of a token. Its stop()
 * is handed to `onSpawn` at once, as for the core.
 */
export async function startRelay(onSpawn) {
  const port = await freePort();
  let paired = 0;
  let service;
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      const result = await service?.stop();
      progress(`stopped the relay (${result?.signal ?? `exit ${result?.code}`})`);
      return true;
    })());
  onSpawn(stop);

  try {
    await startService({
      name: 'relay',
      main: RELAY_JS,
      env: { RELAY_PORT: String(port) },
      nodeArgs: cpuProfileArgs(),
      // A bare gRPC server has no health URL: it says when it is listening.
      readyLine: (line) => parseJson(line)?.msg === 'relay listening',
      startTimeoutMs: 10_000,
      onOutputLine: (line) => {
        const entry = parseJson(line);
        if (entry?.msg === 'relay paired') paired = entry.pairs;
        else if (!entry || entry.level >= 40) process.stderr.write(`[relay] ${line}\n`);
      },
      onSpawn: (spawned) => (service = spawned),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  progress(`relay (pid ${service.child.pid}) listening: gRPC 127.0.0.1:${port}`);

  return {
    name: 'relay',
    address: `127.0.0.1:${port}`,
    pid: service.child.pid,
    exited: service.exited,
    stop,
    async metadataFor({ pair }) {
      return { [PAIR_HEADER]: `pair-${pair}` };
    },
    /** How many streams the relay has paired (it logs each completed pair). */
    async registered() {
      return paired * 2;
    },
  };
}
