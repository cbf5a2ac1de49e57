// docker-compose.yml as Compose reads it: YAML with anchors and merge keys, then ${VAR} interpolation
// (${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, nested defaults, $$ for a literal $) and
// profiles. Shared by the podman runner and the deploy tests.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const composePath = join(repoRoot, 'docker-compose.yml');

/** The file as YAML gives it, before interpolation. */
export function readComposeDocument(path = composePath) {
  return parse(readFileSync(path, 'utf8'), { merge: true, maxAliasCount: -1 });
}

/** Replaces ${…} and $VAR in one string; throws for ${VAR:?…} when VAR is unset or empty. */
export function interpolate(text, env) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}') depth--;
        j++;
      }
      if (depth !== 0) throw new Error(`unterminated \${ in "${text}"`);
      out += expand(text.slice(i + 2, j - 1), env);
      i = j;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (!match) {
        out += '$';
        i++;
        continue;
      }
      out += env[match[0]] ?? '';
      i += 1 + match[0].length;
    }
  }
  return out;
}

function expand(body, env) {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([\s\S]*))?$/.exec(body);
  if (!match) throw new Error(`invalid interpolation \${${body}}`);
  const [, name, op, rest = ''] = match;
  const value = env[name];
  const unset = op?.startsWith(':') ? value === undefined || value === '' : value === undefined;
  if (!op || !unset) return value ?? '';
  if (op.endsWith('-')) return interpolate(rest, env);
  throw new Error(interpolate(rest, env) || `${name} is required`);
}

function interpolateAll(value, env) {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, env)]));
  }
  return value;
}

/**
 * The compose model for `env`: interpolated, x- extensions dropped, and only the services without a
 * profile or with one of `profiles`.
 */
export function loadCompose(env, { profiles = [], path = composePath } = {}) {
  const doc = readComposeDocument(path);
  const model = interpolateAll(
    Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('x-'))),
    env,
  );
  model.services = Object.fromEntries(
    Object.entries(model.services).filter(
      ([, s]) => !s.profiles || s.profiles.some((p) => profiles.includes(p)),
    ),
  );
  return model;
}
