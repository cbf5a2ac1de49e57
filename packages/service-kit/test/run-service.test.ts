import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const fixture = fileURLToPath(new URL('./fixtures/ws-service.mjs', import.meta.url));
const children: ChildProcess[] = [];

function start(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), output: () => out });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, ms: Date.now() - started })));
}

function connect(
  port: number,
  token = 'good',
  path = '/ws',
): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}?token=${token}`);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    ws.once('message', () => resolve({ ws, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('runService', () => {
  it('on SIGTERM closes open WebSockets with 1001 and exits 0 within a few seconds', async () => {
    const { child, port, output } = await start();
    const clients = await Promise.all([connect(port), connect(port), connect(port)]);
    const exited = exitOf(child);
    child.kill('SIGTERM');
    const closes = await Promise.all(clients.map((c) => c.closed));
    expect(closes.map((c) => c.code)).toEqual([1001, 1001, 1001]);
    expect(closes[0]!.reason).toBe('server shutting down');
    const { code, ms } = await exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(output()).toContain('ws-fixture closed');
  });

  it('exits 2 with the variable named when the configuration is wrong', async () => {
    const child = spawn(process.execPath, [fixture], {
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const { code } = await exitOf(child);
    expect(code).toBe(2);
    expect(err).toContain('Invalid ws-fixture configuration:\n  PORT:');
  });
});

describe('WebSocketEndpoint', () => {
  it('refuses a bad token with 401 and an unknown path with 404, as plain HTTP', async () => {
    const { port } = await start();
    await expect(connect(port, 'bad')).rejects.toThrow('refused 401');
    await expect(connect(port, 'good', '/nowhere')).rejects.toThrow('refused 404');
  });

  it('disconnects a client that stops reading once its send buffer passes the limit', async () => {
    const { port } = await start({ FIXTURE_MAX_BUFFERED: String(256 * 1024) });
    const { ws, closed } = await connect(port);
    // Stop reading: the server's sends pile up in its buffer for this socket.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    ws.send('flood');
    const timer = setTimeout(() => (ws as unknown as { _socket: { resume(): void } })._socket.resume(), 1500);
    const { code } = await closed;
    clearTimeout(timer);
    expect(code).toBe(4008);
  });
});
