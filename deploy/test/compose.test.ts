// docker-compose.yml and its proxy (deploy/compose/Caddyfile) against the Compose Specification and against
// what they run: services.json's ports and health URLs, the Dockerfile, and the routes the apps' controllers
// and WebSocket gateways declare. The stack itself runs in deploy/compose/smoke.mjs.
//
// The schema is vendored (no network at test time): deploy/schema/compose-spec.json, from
// https://github.com/compose-spec/compose-spec/blob/170098ba07d9f53c383a41bfd4c5166b0a4529a6/schema/compose-spec.json
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  interpolate,
  loadCompose,
  readComposeDocument,
  type ComposeService,
} from '../compose/compose-file.mjs';
import { manifest, root, type ServiceEntry } from '../../scripts/lib/services.mjs';

const raw = readComposeDocument();
/** The model with the values .env.example gives (the secrets compose requires included), as docker compose would see it. */
const exampleEnv: Record<string, string> = Object.fromEntries(
  readFileSync(join(root, '.env.example'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!.replace(/^'(.*)'$/, '$1')]),
);
const model = loadCompose(exampleEnv, { profiles: ['scale'] });
const caddyfile = readFileSync(join(root, 'deploy/compose/Caddyfile'), 'utf8');

function environment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => e.split(/=(.*)/s).slice(0, 2)));
  return env;
}

function validator() {
  const { $schema, ...schema } = JSON.parse(
    readFileSync(join(root, 'deploy/schema/compose-spec.json'), 'utf8'),
  ) as { $schema: string };
  // Ajv knows draft-07 as http://json-schema.org/draft-07/schema#; the file names it with https.
  expect($schema).toMatch(/draft-07/);
  // Formats such as "duration" are Compose's own; the structure is what the schema checks here.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  return ajv.compile(schema);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema, as written and once interpolated', () => {
    const validate = validator();
    for (const doc of [raw, model]) {
      const valid = validate(doc);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('is refused by the schema when it is wrong (the check can fail)', () => {
    const validate = validator();
    const broken = structuredClone(model);
    (broken.services.messaging as Record<string, unknown>).healthcheck = { test: 42 };
    (broken.services.web as Record<string, unknown>).restart_policy = 'always';
    expect(validate(broken)).toBe(false);
  });

  it('builds from paths that exist', () => {
    for (const [name, service] of Object.entries(model.services)) {
      if (!service.build) continue;
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      const context = join(root, build.context ?? '.');
      expect(statSync(context).isDirectory(), `${name}: build context ${context}`).toBe(true);
      expect(existsSync(join(context, build.dockerfile ?? 'Dockerfile')), `${name}: dockerfile`).toBe(true);
      expect(service.image, `${name} tags what it builds`).toMatch(/^parley\//);
    }
  });

  it('mounts files that exist', () => {
    for (const [name, service] of Object.entries(model.services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : volume.source;
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(existsSync(join(root, source)), `${name}: ${source}`).toBe(true);
        } else {
          expect(Object.keys(model.volumes ?? {}), `${name}: named volume ${source}`).toContain(source);
        }
      }
    }
  });

  it.each(manifest.services.map((s) => [s.name, s] as const))(
    'runs %s as services.json describes it: its image, ports and health URL',
    (name, entry: ServiceEntry) => {
      const service = raw.services[name];
      expect(service, `${name} is a compose service`).toBeDefined();
      const build = service!.build as { args?: Record<string, string> };
      expect(build.args?.APP).toBe(name);
      const env = environment(service!);
      for (const port of entry.ports) {
        // The port variable the app reads is set from services.json's override name, with its default.
        expect(env[port.env], `${name}: ${port.env}`).toBe(`\${${port.override}:-${port.default}}`);
      }
      // The health check asks services.json's health URL (container-entry.mjs reads it from there).
      expect(service!.healthcheck?.test).toEqual([
        'CMD',
        'node',
        'scripts/container-entry.mjs',
        '--healthcheck',
      ]);
      const entryScript = readFileSync(join(root, 'scripts/container-entry.mjs'), 'utf8');
      expect(entryScript).toContain('service.health.path');
      if (entry.entry !== 'server.mjs') expect(entry.health.path).toBe('/health/ready');
      // The proxy forwards to the same port.
      const httpPort = entry.ports.find((p) => p.name === 'http')!;
      expect(caddyfile).toContain(`dynamic a ${name} {$${httpPort.override}:${httpPort.default}}`);
      expect(environment(raw.services.proxy!)[httpPort.override]).toBe(
        `\${${httpPort.override}:-${httpPort.default}}`,
      );
    },
  );

  it('gives every service a health check, a restart policy, resource limits and reservations', () => {
    for (const [name, service] of Object.entries(model.services)) {
      if (name === 'proxy-volumes') continue; // a one-shot job
      expect(service.healthcheck?.test, `${name}: healthcheck`).toBeDefined();
      expect(service.restart, `${name}: restart`).toBe('unless-stopped');
      expect(service.deploy?.resources?.limits?.memory, `${name}: memory limit`).toBeDefined();
      expect(service.deploy?.resources?.limits?.cpus, `${name}: cpu limit`).toBeDefined();
      expect(service.deploy?.resources?.reservations?.memory, `${name}: memory reservation`).toBeDefined();
    }
  });

  it('runs long-lived services as unprivileged users', () => {
    for (const [name, service] of Object.entries(model.services)) {
      if (name === 'proxy-volumes') continue; // hands the proxy's volumes to its user, then exits
      expect(service.user, `${name}: user`).toBeDefined();
      expect(String(service.user).split(':')[0], `${name}: user`).not.toMatch(/^(0|root)$/);
    }
  });

  it('starts a service only once what it needs is healthy', () => {
    for (const [name, service] of Object.entries(model.services)) {
      const deps = service.depends_on ?? {};
      expect(Array.isArray(deps), `${name}: depends_on with conditions`).toBe(false);
      for (const [dep, { condition }] of Object.entries(deps as Record<string, { condition: string }>)) {
        expect(model.services[dep], `${name} depends on ${dep}`).toBeDefined();
        const expected = dep === 'proxy-volumes' ? 'service_completed_successfully' : 'service_healthy';
        expect(condition, `${name} -> ${dep}`).toBe(expected);
      }
    }
    // As services.json orders them.
    for (const entry of manifest.services) {
      for (const dep of entry.dependsOn ?? []) {
        expect(Object.keys(raw.services[entry.name]!.depends_on ?? {}), `${entry.name} -> ${dep}`).toContain(
          dep,
        );
      }
    }
  });

  it('keeps state in named volumes: the signing key where the image makes it writable for node', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    // A new named volume takes the ownership of the image's directory it is mounted on.
    expect(dockerfile).toMatch(
      /mkdir -p \/var\/lib\/parley\/keys[^\n]*&& chown -R node:node \/var\/lib\/parley/,
    );
    expect(dockerfile).toMatch(/^USER node$/m);
    const messaging = model.services.messaging!;
    expect(messaging.volumes).toContain('messaging-keys:/var/lib/parley/keys');
    expect(environment(messaging).JWT_KEY_FILE).toMatch(/^\/var\/lib\/parley\/keys\//);
    expect(Object.keys(model.volumes ?? {})).toEqual(
      expect.arrayContaining(['postgres-data', 'redis-data', 'messaging-keys']),
    );
  });

  it('publishes only the proxy, and points the web client at it', () => {
    const published = Object.entries(model.services).filter(([, s]) => s.ports?.length);
    expect(published.map(([n]) => n)).toEqual(['proxy']);
    const web = environment(raw.services.web!);
    for (const key of ['MESSAGING_PUBLIC_URL', 'VOICE_PROXY_PUBLIC_URL', 'WEBHOOK_GATEWAY_PUBLIC_URL']) {
      expect(web[key], key).toBe('${PARLEY_PUBLIC_URL:-http://localhost:8080}');
    }
    expect(web.TERMINAL_PUBLIC_URL).toBe('${PARLEY_PUBLIC_WS_URL:-ws://localhost:8080}');
    expect(web.SEED_DEMO_USERS).toBe(environment(raw.services.messaging!).SEED_DEMO_USERS);
    // The default public origin is the proxy's default port.
    expect(interpolate(raw.services.proxy!.ports![0] as string, {})).toBe('8080:8080');
    expect(environment(raw.services['webhook-gateway']!).GATEWAY_PUBLIC_URL).toBe(
      '${PARLEY_PUBLIC_URL:-http://localhost:8080}',
    );
  });

  it('runs a second messaging and terminal-core node, under the same names, with the scale profile', () => {
    const plain = loadCompose(exampleEnv);
    expect(Object.keys(plain.services)).not.toContain('messaging-2');
    for (const name of ['messaging', 'terminal-core']) {
      const second = model.services[`${name}-2`]!;
      expect(second.profiles).toEqual(['scale']);
      expect(second.image).toBe(model.services[name]!.image);
      expect(second.environment).toEqual(model.services[name]!.environment);
      expect((second.networks as Record<string, { aliases: string[] }>).default!.aliases).toEqual([name]);
    }
  });
});

/** The Caddyfile's routes in order: a path matcher's patterns and the service its handle proxies to. */
function proxyRoutes(): Array<{ patterns: string[] | 'grpc' | 'any'; upstream: string }> {
  const matchers = new Map<string, string[] | 'grpc'>();
  for (const m of caddyfile.matchAll(/^\s*@(\w+) path (.+)$/gm))
    matchers.set(m[1]!, m[2]!.trim().split(/\s+/));
  for (const m of caddyfile.matchAll(/^\s*@(\w+) \{\s*protocol grpc\s*\}/gm)) matchers.set(m[1]!, 'grpc');
  const routes: Array<{ patterns: string[] | 'grpc' | 'any'; upstream: string }> = [];
  const handles = [...caddyfile.matchAll(/^\thandle(?: @(\w+))? \{([\s\S]*?)^\t\}/gm)];
  for (const h of handles) {
    const upstream = /dynamic a ([\w-]+)/.exec(h[2]!)?.[1];
    if (!upstream) continue;
    routes.push({ patterns: h[1] ? matchers.get(h[1])! : 'any', upstream });
  }
  return routes;
}

function routeOf(path: string): string | undefined {
  for (const route of proxyRoutes()) {
    if (route.patterns === 'grpc') continue;
    if (route.patterns === 'any') return route.upstream;
    const hit = route.patterns.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p));
    if (hit) return route.upstream;
  }
  return undefined;
}

/** The HTTP and WebSocket routes an app declares: @Controller + method decorators, and *_PATH constants. */
function declaredRoutes(service: ServiceEntry): string[] {
  const routes = new Set<string>();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')
          ? [join(dir, e.name)]
          : [],
    );
  for (const file of walk(join(root, service.dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const controller = /@Controller\(\s*(?:'([^']*)')?\s*\)/.exec(text);
    if (controller) {
      const prefix = controller[1] ?? '';
      for (const m of text.matchAll(/@(?:Get|Post|Put|Patch|Delete|All)\(\s*(?:'([^']*)')?\s*\)/g)) {
        const path = `/${[prefix, m[1] ?? ''].filter(Boolean).join('/')}`.replace(/:\w+/g, 'x');
        routes.add(path);
      }
    }
    for (const m of text.matchAll(/export const \w+_PATH = '(\/v1\/[^']+)'/g)) routes.add(m[1]!);
  }
  return [...routes];
}

describe('the proxy (deploy/compose/Caddyfile)', () => {
  it.each(manifest.services.filter((s) => s.name !== 'web').map((s) => [s.name, s] as const))(
    'sends every route %s declares to it',
    (name, service) => {
      const routes = declaredRoutes(service).filter((r) => !r.startsWith('/health') && r !== '/metrics');
      expect(routes.length).toBeGreaterThan(0);
      expect(routes.filter((r) => routeOf(r) !== name)).toEqual([]);
    },
  );

  it('sends the WebSockets to their services and everything else to the web client', () => {
    expect(routeOf('/v1/realtime')).toBe('messaging');
    expect(routeOf('/v1/terminal')).toBe('terminal-core');
    expect(routeOf('/v1/providers/twilio/webhooks')).toBe('webhook-gateway');
    expect(routeOf('/v1/admin/dead-letters/x/replay')).toBe('webhook-gateway');
    expect(routeOf('/v1/admin/clients')).toBe('messaging');
    for (const path of ['/', '/config.json', '/widget.js', '/assets/index.js', '/c/some-conversation']) {
      expect(routeOf(path), path).toBe('web');
    }
    // Health and metrics stay inside the stack.
    for (const path of ['/health/ready', '/metrics']) expect(routeOf(path), path).toBe('web');
  });

  it('sends gRPC (h2c) to terminal-core, first, on its gRPC port', () => {
    const routes = proxyRoutes();
    expect(routes[0]).toEqual({ patterns: 'grpc', upstream: 'terminal-core' });
    expect(caddyfile).toMatch(/protocols h1 h2 h2c/);
    expect(caddyfile).toContain('dynamic a terminal-core {$TERMINAL_GRPC_PORT:50051}');
    expect(caddyfile).toMatch(/versions h2c 2/);
  });
});
