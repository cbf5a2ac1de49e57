import { fileURLToPath } from 'node:url';
import { Scopes } from '@parley/auth';
import {
  allocateTestNamespace,
  eventually,
  freePort,
  startService,
  startTokenServer,
  testRedisUrl,
} from '@parley/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GrpcTerminal } from './support/grpc-terminal.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const ns = allocateTestNamespace('tc_shutdown', { databaseUrl: null });
let tokens: Awaited<ReturnType<typeof startTokenServer>>;

beforeAll(async () => {
  tokens = await startTokenServer();
});
afterAll(async () => {
  await tokens?.close();
  await ns.cleanup();
});

describe('closing a core node', () => {
  it('SIGTERM ends WebSocket terminals with 1001 and gRPC streams cleanly, then exits 0 within seconds', async () => {
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const service = await startService({
      name: 'terminal-core',
      main: mainJs,
      env: {
        PORT: String(httpPort),
        HOST: '127.0.0.1',
        GRPC_PORT: String(grpcPort),
        GRPC_HOST: '127.0.0.1',
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: ns.redisPrefix,
        JWKS_URL: tokens.jwksUrl,
        LOG_LEVEL: 'warn',
      },
      healthUrl: `http://127.0.0.1:${httpPort}/health/ready`,
    });
    try {
      const token = await tokens.mintToken({ scopes: [Scopes.callControl], msisdn: '+4791234567' });
      const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/v1/terminal?mode=multi&access_token=${token}`);
      const wsClosed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const pipe = GrpcTerminal.open(grpcPort, token, 'pipe');
      await pipe.nextOf(['idle', 'inCall']);

      const started = Date.now();
      const exit = await service.stop(15_000);
      expect(await wsClosed).toBe(1001);
      await eventually(() => pipe.ended, 'the gRPC stream ended');
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(5000);
      pipe.close();
    } finally {
      await service.stop();
    }
  });
});
