// terminal-core as a child process for the SDK's tests against the real core (built by the root test
// command first; alone, `npx turbo run build`), and what those tests wait for.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startService, testRedisUrl, type ServiceProcess } from '@parley/testing';
import type { Call, Terminal } from '../src/index.js';

const coreJs = fileURLToPath(new URL('../../../apps/terminal-core/dist/main.js', import.meta.url));

export class TerminalCoreProcess {
  private service: ServiceProcess | undefined;
  url = '';
  httpUrl = '';

  /** Starts the core on free ports, trusting `jwksUrl`'s keys, on `redisUrl` (the machine's by default). */
  async start(jwksUrl: string, prefix: string, redisUrl = testRedisUrl): Promise<void> {
    if (!existsSync(coreJs))
      throw new Error(`terminal-core is not built (${coreJs}): run npx turbo run build`);
    const [port, grpcPort] = [await freePort(), await freePort()];
    this.url = `ws://127.0.0.1:${port}`;
    this.httpUrl = `http://127.0.0.1:${port}`;
    this.service = await startService({
      name: 'terminal-core',
      main: coreJs,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        GRPC_PORT: String(grpcPort),
        GRPC_HOST: '127.0.0.1',
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        JWKS_URL: jwksUrl,
        PHONE_ANSWER_DELAY_MS: '200',
        LOG_LEVEL: 'warn',
      },
      healthUrl: `${this.httpUrl}/health`,
      startTimeoutMs: 20_000,
    });
  }

  async stop(): Promise<void> {
    await this.service?.stop();
  }
}

/** The next call that rings on `t`. */
export function nextIncoming(t: Terminal): Promise<Call> {
  return new Promise((resolve) => {
    const off = t.on('incoming', (call) => {
      off();
      resolve(call);
    });
  });
}
