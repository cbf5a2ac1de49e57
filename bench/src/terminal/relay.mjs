import { fileURLToPath } from 'node:url';
import { freePort, spawnLoggingProcess } from '../lib/child-process.mjs';
import { progress } from '../lib/report.mjs';

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
  const proc = spawnLoggingProcess(RELAY_JS, {
    env: { PATH: process.env.PATH ?? '', RELAY_PORT: String(port) },
    onLine: (line) => {
      const entry = parseJson(line);
      if (entry?.msg === 'relay paired') paired = entry.pairs;
      else if (!entry || entry.level >= 40) process.stderr.write(`[relay] ${line}\n`);
    },
  });

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      const result = await proc.stop();
      progress(`stopped the relay (${result.signal ?? `exit ${result.code}`})`);
      return true;
    })());
  onSpawn(stop);

  try {
    await proc.waitForLine((line) => parseJson(line)?.msg === 'relay listening', 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  progress(`relay (pid ${proc.child.pid}) listening: gRPC 127.0.0.1:${port}`);

  return {
    name: 'relay',
    address: `127.0.0.1:${port}`,
    pid: proc.child.pid,
    exited: proc.exited,
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
