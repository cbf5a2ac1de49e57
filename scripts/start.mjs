#!/usr/bin/env node
// `npm start`: runs every Parley service in services.json on this machine with development defaults
// (embedded PGlite under ./data unless DATABASE_URL is set, Redis from REDIS_URL). Ctrl+C closes them in
// order, waits until each has exited, and kills any that does not within the grace period.
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { fill, healthUrl, manifest, resolvePorts, root, serviceEnv } from './lib/services.mjs';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const dataDir = process.env.PARLEY_DATA_DIR ?? join(root, 'data');
const GRACE_MS = Number(process.env.PARLEY_STOP_GRACE_MS ?? 15_000);

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

async function waitHealthy(url, child, name) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become ready at ${url}`);
}

if (!(await redisReachable(redisUrl))) {
  process.stderr.write(
    `\nParley needs Redis and cannot reach it at ${redisUrl}.\n` +
      'Start one (for example `redis-server`, or `docker compose up -d redis`) or set REDIS_URL, then run `npm start` again.\n\n',
  );
  process.exit(2);
}

const ports = resolvePorts(process.env);
const dirs = { root, data: dataDir };
const children = [];
let stopping = false;

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

/** SIGTERM to every service at once (each closes in its own order), then wait; SIGKILL what is left. */
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping Parley…\n');
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
  const all = Promise.all(children.map(({ child }) => exited(child)));
  const timedOut = await Promise.race([
    all.then(() => false),
    new Promise((r) => setTimeout(() => r(true), GRACE_MS)),
  ]);
  if (timedOut) {
    for (const { name, child } of children)
      if (child.exitCode === null && child.signalCode === null) {
        process.stderr.write(`${name} did not stop within ${GRACE_MS / 1000} s: killing it\n`);
        child.kill('SIGKILL');
      }
    await all;
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  for (const service of manifest.services) {
    // The manifest's settings are defaults the shell may override; ports (and so URLs) always follow it.
    const { ports: portEnv, defaults } = serviceEnv(service, ports, dirs);
    const env = { ...defaults, ...process.env, REDIS_URL: redisUrl, ...portEnv };
    // A process group of its own: Ctrl+C reaches only this script, which closes each service once.
    const child = spawn(process.execPath, [service.entry], {
      cwd: join(root, service.dir),
      env,
      stdio: 'inherit',
      detached: true,
    });
    children.push({ name: service.name, child });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`${service.name} stopped (${signal ?? code}); stopping the others\n`);
      void shutdown(code || 1);
    });
    await waitHealthy(healthUrl(service, ports), child, service.name);
    process.stdout.write(`${service.name}: ${fill(service.describe, ports, dirs)}\n`);
  }
  process.stdout.write(
    `Storage: ${process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : `embedded PGlite under ${dataDir}`}\nParley is running. Ctrl+C stops it.\n`,
  );
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  void shutdown(1);
}
