#!/usr/bin/env node
// `npm start`: runs every Parley service on this machine with development defaults (embedded PGlite under
// ./data unless DATABASE_URL is set, Redis from REDIS_URL), and stops them all on Ctrl+C.
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const services = [
  {
    name: 'messaging',
    cwd: join(root, 'apps/messaging'),
    entry: 'dist/main.js',
    env: {
      PORT: process.env.MESSAGING_PORT ?? '3001',
      PGLITE_DIR: join(root, 'data/messaging'),
      JWT_KEY_FILE: join(root, 'data/keys/messaging-signing-key.json'),
      SEED_DEMO_USERS: process.env.SEED_DEMO_USERS ?? 'true',
    },
    url: (env) => `http://localhost:${env.PORT}`,
  },
  {
    name: 'terminal-core',
    cwd: join(root, 'apps/terminal-core'),
    entry: 'dist/main.js',
    env: {
      PORT: process.env.TERMINAL_PORT ?? '3002',
      GRPC_PORT: process.env.TERMINAL_GRPC_PORT ?? '50051',
      JWKS_URL: `http://127.0.0.1:${process.env.MESSAGING_PORT ?? '3001'}/.well-known/jwks.json`,
    },
    url: (env) => `http://localhost:${env.PORT} (WebSocket /v1/terminal), gRPC localhost:${env.GRPC_PORT}`,
  },
  {
    name: 'web (demo client)',
    cwd: join(root, 'apps/web'),
    entry: 'server.mjs',
    env: {
      WEB_PORT: process.env.WEB_PORT ?? '3000',
      MESSAGING_PUBLIC_URL:
        process.env.MESSAGING_PUBLIC_URL ?? `http://localhost:${process.env.MESSAGING_PORT ?? '3001'}`,
    },
    url: (env) => `http://localhost:${env.WEB_PORT}  <- open this`,
  },
];

function redisReachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolveReachable) => {
    const socket = createConnection({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.end();
      resolveReachable(true);
    });
    socket.once('error', () => resolveReachable(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolveReachable(false);
    });
  });
}

if (!(await redisReachable(redisUrl))) {
  process.stderr.write(
    `\nParley needs Redis and cannot reach it at ${redisUrl}.\n` +
      'Start one (for example `redis-server`, or `docker compose up -d redis`) or set REDIS_URL, then run `npm start` again.\n\n',
  );
  process.exit(2);
}

const children = [];
let stopping = false;
for (const service of services) {
  const env = { ...process.env, REDIS_URL: redisUrl, ...service.env };
  const child = spawn(process.execPath, [service.entry], { cwd: service.cwd, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${service.name} stopped (${signal ?? code}); stopping the others\n`);
    shutdown(code ?? 1);
  });
  children.push(child);
  process.stdout.write(`${service.name}: ${service.url(env)}\n`);
}
process.stdout.write(
  `Storage: ${process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : `embedded PGlite under ${join(root, 'data')}`}\n`,
);

function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(
    () => process.exit(code),
  );
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
