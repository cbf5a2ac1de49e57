import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './ports.js';
import { startService } from './service-process.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-testing-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

// Health answers 503 for a while, then 200, and SIGTERM ends the process after a goodbye line.
const slowStarter = script(
  'slow-starter.mjs',
  `import { createServer } from 'node:http';
const readyAt = Date.now() + 300;
const server = createServer((req, res) => res.writeHead(Date.now() < readyAt ? 503 : 200).end());
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening', process.env.GREETING));
process.on('SIGTERM', () => { console.log('bye'); server.close(() => process.exit(0)); });`,
);

describe('startService', () => {
  it('waits until the health URL answers 2xx, passes the env, and stops with SIGTERM', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const service = await startService({
      main: slowStarter,
      env: { PORT: String(port), GREETING: 'hello' },
      healthUrl: `http://127.0.0.1:${port}/health`,
      onOutputLine: (line) => lines.push(line),
    });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(await service.stop()).toEqual({ code: 0, signal: null });
    expect(lines).toEqual(['listening hello', 'bye']);
  });

  it('fails with the output of a service that exits during start-up', async () => {
    const port = await freePort();
    const crasher = script('crasher.mjs', `console.error('JWKS_URL: Invalid URL'); process.exit(3);`);
    await expect(
      startService({ main: crasher, env: {}, healthUrl: `http://127.0.0.1:${port}/health`, name: 'crasher' }),
    ).rejects.toThrow(/crasher did not start: exited \(code 3\)[\s\S]*JWKS_URL: Invalid URL/);
  });

  it('kills a service that ignores SIGTERM after the grace period', async () => {
    const port = await freePort();
    const stubborn = script(
      'stubborn.mjs',
      `import { createServer } from 'node:http';
createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));`,
    );
    const service = await startService({
      main: stubborn,
      env: { PORT: String(port) },
      healthUrl: `http://127.0.0.1:${port}/`,
    });
    expect(await service.stop(200)).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('keeps the caller’s environment out unless asked', async () => {
    const port = await freePort();
    process.env.PARLEY_TESTING_LEAK = 'leaked';
    const echo = script(
      'echo-env.mjs',
      `import { createServer } from 'node:http';
createServer((req, res) => res.end(process.env.PARLEY_TESTING_LEAK ?? 'clean')).listen(Number(process.env.PORT), '127.0.0.1');`,
    );
    const url = `http://127.0.0.1:${port}/`;
    const clean = await startService({ main: echo, env: { PORT: String(port) }, healthUrl: url });
    expect(await (await fetch(url)).text()).toBe('clean');
    await clean.stop();
    const inherited = await startService({
      main: echo,
      env: { PORT: String(port) },
      healthUrl: url,
      inheritEnv: true,
    });
    expect(await (await fetch(url)).text()).toBe('leaked');
    await inherited.stop();
    delete process.env.PARLEY_TESTING_LEAK;
  });

  it('knows a service without HTTP is ready by the line it prints, and hands it out before that', async () => {
    const grpcLike = script(
      'grpc-like.mjs',
      `setTimeout(() => console.log(JSON.stringify({ msg: 'relay listening' })), 200);
setInterval(() => undefined, 1000);`,
    );
    let spawned = 0;
    const service = await startService({
      main: grpcLike,
      env: {},
      readyLine: (line) => line.includes('relay listening'),
      onSpawn: () => (spawned += 1),
    });
    expect(spawned).toBe(1);
    expect(service.recentOutput()).toContain('relay listening');
    expect(await service.stop()).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('refuses to guess when neither a health URL nor a ready line is given', async () => {
    await expect(startService({ main: slowStarter, env: {} })).rejects.toThrow(
      /either healthUrl or readyLine/,
    );
  });
});
