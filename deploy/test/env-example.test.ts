// .env.example against what reads the environment: every variable an app's config schema declares (the
// zod shapes of apps/<app>/src/config/config.ts, service-kit's sections included, through the definition's
// variables()), the web server's list, and every ${VAR} docker-compose.yml interpolates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readComposeDocument } from '../compose/compose-file.mjs';
import { manifest, root, type ServiceEntry } from '../../scripts/lib/services.mjs';

interface ServiceConfigDefinition {
  service: string;
  variables(): string[];
}

/** The variables the app's process reads, from its config schema (or, for web, server-config.mjs). */
async function appVariables(service: ServiceEntry): Promise<string[]> {
  if (service.entry === 'server.mjs') {
    const module = (await import(join(root, service.dir, 'server-config.mjs'))) as {
      webEnvVariables?: unknown;
    };
    if (!Array.isArray(module.webEnvVariables))
      throw new Error(`${service.dir}/server-config.mjs: no webEnvVariables`);
    return module.webEnvVariables.map(String);
  }
  const file = join(root, service.dir, 'src/config/config.ts');
  const module = (await import(file)) as Record<string, unknown>;
  const definitions = Object.values(module).filter(
    (value): value is ServiceConfigDefinition =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Partial<ServiceConfigDefinition>).variables === 'function',
  );
  if (definitions.length !== 1) throw new Error(`${file} should export one config definition`);
  return definitions[0]!.variables();
}

/** KEY=value lines (not commented out) of .env.example, with the comment lines just above each. */
function exampleEntries(): Map<string, { value: string; comment: string }> {
  const entries = new Map<string, { value: string; comment: string }>();
  let comment: string[] = [];
  for (const line of readFileSync(join(root, '.env.example'), 'utf8').split('\n')) {
    const assignment = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (assignment) {
      entries.set(assignment[1]!, { value: assignment[2]!, comment: comment.join(' ') });
      comment = [];
    } else if (line.startsWith('#')) comment.push(line.replace(/^#\s?/, ''));
    else if (!line.trim()) comment = [];
  }
  return entries;
}

/** Every variable docker-compose.yml interpolates (${VAR}, ${VAR:-default}, ${VAR:?error}, nested ones too). */
function composeVariables(): string[] {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!))].sort();
}

describe('.env.example', () => {
  const entries = exampleEntries();

  it.each(manifest.services.map((s) => [s.name, s] as const))(
    'lists every variable %s reads',
    async (_name, service) => {
      const read = await appVariables(service);
      expect(read.length).toBeGreaterThan(0);
      expect(read.filter((v) => !entries.has(v))).toEqual([]);
    },
  );

  it('lists every variable docker-compose.yml reads', () => {
    expect(composeVariables().filter((v) => !entries.has(v))).toEqual([]);
  });

  it('lists nothing that neither an app, docker-compose.yml nor `npm start` reads', async () => {
    const known = new Set(composeVariables());
    for (const service of manifest.services) {
      for (const v of await appVariables(service)) known.add(v);
      for (const port of service.ports) known.add(port.override);
    }
    expect([...entries.keys()].filter((v) => !known.has(v))).toEqual([]);
  });

  it('explains each variable (a comment above it or above its group)', () => {
    // A variable without a comment of its own must sit in a group whose first line has one.
    const text = readFileSync(join(root, '.env.example'), 'utf8');
    const groups = text.split(/\n\s*\n/);
    const unexplained = groups
      .filter((g) => /^[A-Z][A-Z0-9_]*=/m.test(g) && !/^#/m.test(g))
      .flatMap((g) => [...g.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect(unexplained).toEqual([]);
  });

  it('is what the compose file names it: every variable a compose service cannot start without is there', () => {
    const doc = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    const required = [...doc.matchAll(/\$\{([A-Z_][A-Z0-9_]*):\?/g)].map((m) => m[1]!);
    for (const name of new Set(required)) expect(entries.get(name)?.value, name).not.toBe('');
    expect(readComposeDocument().services).toBeDefined();
  });
});
