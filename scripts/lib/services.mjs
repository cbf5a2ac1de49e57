// Reads services.json and turns it into what a runner needs: ports, each service's environment with the
// other services' ports filled in, and health URLs.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const manifest = JSON.parse(readFileSync(join(root, 'services.json'), 'utf8'));

/**
 * Every service's ports: `overrides` (e.g. { MESSAGING_PORT: '4301' }) win over the defaults, so a runner
 * that moves a port moves every URL that points at it.
 */
export function resolvePorts(overrides = {}) {
  const ports = {};
  for (const s of manifest.services)
    for (const p of s.ports) ports[`${s.name}.${p.name}`] = Number(overrides[p.override] ?? p.default);
  return ports;
}

/** Fills {root}, {data} and {<service>.<port>} in a manifest string. */
export function fill(template, ports, dirs) {
  return template.replace(/\{([a-z0-9-]+(?:\.[a-z0-9-]+)?)\}/g, (whole, key) => {
    if (key === 'root') return dirs.root;
    if (key === 'data') return dirs.data;
    if (key in ports) return String(ports[key]);
    throw new Error(`services.json: unknown placeholder ${whole}`);
  });
}

/** A service's port variables, and its manifest settings with placeholders filled. */
export function serviceEnv(service, ports, dirs = { root, data: join(root, 'data') }) {
  const portEnv = {};
  for (const p of service.ports) portEnv[p.env] = String(ports[`${service.name}.${p.name}`]);
  const defaults = {};
  for (const [k, v] of Object.entries(service.env ?? {})) defaults[k] = fill(v, ports, dirs);
  return { ports: portEnv, defaults };
}

export function healthUrl(service, ports) {
  return `http://127.0.0.1:${ports[`${service.name}.${service.health.port}`]}${service.health.path}`;
}
