#!/usr/bin/env node
// The entry point of a Parley container: runs the service named by APP from services.json in this
// process (so it receives SIGTERM itself and closes in order), or with --healthcheck asks its health URL.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { services } = JSON.parse(readFileSync(join(root, 'services.json'), 'utf8'));
const service = services.find((s) => s.name === process.env.APP);
if (!service) {
  process.stderr.write(`APP must name a service in services.json (${services.map((s) => s.name).join(', ')})\n`);
  process.exit(2);
}

if (process.argv.includes('--healthcheck')) {
  const port = service.ports.find((p) => p.name === service.health.port);
  const value = process.env[port.env] ?? String(port.default);
  try {
    const res = await fetch(`http://127.0.0.1:${value}${service.health.path}`, { signal: AbortSignal.timeout(2500) });
    process.exit(res.ok ? 0 : 1);
  } catch {
    process.exit(1);
  }
} else {
  process.chdir(join(root, service.dir));
  await import(pathToFileURL(join(root, service.dir, service.entry)).href);
}
