import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { testRedisUrl } from '@parley/testing';
import WebSocket from 'ws';

const startScript = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url));

test('npm start runs every service, and Ctrl+C closes them in order, waits for them and leaves nothing running', async () => {
  test.setTimeout(120_000);
  const data = mkdtempSync(join(tmpdir(), 'parley-start-'));
  const ports = {
    MESSAGING_PORT: '4511',
    TERMINAL_PORT: '4512',
    TERMINAL_GRPC_PORT: '4513',
    WEB_PORT: '4510',
  };
  const child = spawn(process.execPath, [startScript], {
    env: {
      PATH: process.env.PATH ?? '',
      ...ports,
      PARLEY_DATA_DIR: data,
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: `ptest:start-${Date.now()}`,
      LOG_LEVEL: 'warn',
      PASSWORD_HASH_PROFILE: 'fast-test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await expect.poll(() => output, { timeout: 90_000 }).toContain('Parley is running');
    expect(output).toContain('web: http://localhost:4510');
    // The web client is told where the services are, on the ports actually used.
    const config = (await (await fetch('http://127.0.0.1:4510/config.json')).json()) as Record<
      string,
      string
    >;
    expect(Object.values(config)).toEqual(
      expect.arrayContaining(['http://localhost:4511', 'ws://localhost:4512']),
    );

    // A demo user with an open device socket, as a browser tab would have.
    const login = await fetch('http://127.0.0.1:4511/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'parley-demo' }),
    });
    const { tokens } = (await login.json()) as { tokens: { access_token: string } };
    const ws = new WebSocket(`ws://127.0.0.1:4511/v1/realtime?access_token=${tokens.access_token}`);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => {
      ws.once('message', resolve);
      ws.once('error', reject);
    });

    const started = Date.now();
    child.kill('SIGINT');
    expect(await closed).toBe(1001);
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Nothing is left listening once the script has returned.
    for (const port of Object.values(ports)) {
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  }
});
