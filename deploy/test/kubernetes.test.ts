// The Kubernetes manifests (deploy/kubernetes) against what they deploy: every object valid for the
// Kubernetes API, and images, ports, probes, environment variables and Ingress routes in agreement with
// services.json, the apps' config schemas and the routes their controllers declare.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { manifest, root, type ServiceEntry } from '../../scripts/lib/services.mjs';

const dir = join(root, 'deploy/kubernetes');

/** The kinds the manifests may hold, each with the model that validates it. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
};

// Only the fields these checks read; kubernetes-models validates the whole object.
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: unknown;
  stringData?: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}
interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}
interface IngressBackend {
  service: { name: string; port: { name?: string; number?: number } };
}
interface IngressSpec {
  ingressClassName?: string;
  tls?: Array<{ hosts: string[]; secretName: string }>;
  rules: Array<{
    host: string;
    http: { paths: Array<{ path: string; pathType: string; backend: IngressBackend }> };
  }>;
}
interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
  configMapGenerator?: Array<{ name: string; envs?: string[]; literals?: string[]; files?: string[] }>;
  secretGenerator?: unknown;
}

const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;

/** Every document of every file the kustomization lists; a YAML error fails here, naming the file. */
function loadResources(): Array<{ file: string; object: K8sObject }> {
  const loaded: Array<{ file: string; object: K8sObject }> = [];
  for (const file of kustomization.resources ?? []) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const object = doc.toJS() as K8sObject | null;
      if (object !== null) loaded.push({ file, object });
    }
  }
  return loaded;
}

/** A kustomize env file: KEY=value lines, # comments and blank lines skipped. */
function readEnvFile(file: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: "${trimmed}" is not KEY=value`);
    data[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return data;
}

/** The ConfigMaps the kustomization generates, as objects, by their (unhashed) name. */
function generatedConfigMaps(): Map<string, K8sObject & { data: Record<string, string> }> {
  const maps = new Map<string, K8sObject & { data: Record<string, string> }>();
  for (const generator of kustomization.configMapGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const file of generator.envs ?? []) Object.assign(data, readEnvFile(file));
    for (const literal of generator.literals ?? []) {
      const eq = literal.indexOf('=');
      data[literal.slice(0, eq)] = literal.slice(eq + 1);
    }
    maps.set(generator.name, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name },
      data,
    });
  }
  return maps;
}

const resources = loadResources();
const configMaps = generatedConfigMaps();
const objects = [...resources.map((r) => r.object), ...configMaps.values()];

function find(kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}
function deploymentOf(service: ServiceEntry): DeploymentSpec {
  const deployment = find('Deployment', service.name);
  if (!deployment) throw new Error(`no Deployment ${service.name}`);
  return deployment.spec as unknown as DeploymentSpec;
}
function containerOf(service: ServiceEntry): Container {
  const container = deploymentOf(service).template.spec.containers.find((c) => c.name === service.name);
  if (!container) throw new Error(`Deployment ${service.name} has no container named ${service.name}`);
  return container;
}
function ingresses(): Array<{ name: string; annotations: Record<string, string>; spec: IngressSpec }> {
  return objects
    .filter((o) => o.kind === 'Ingress')
    .map((o) => ({
      name: o.metadata.name,
      annotations: o.metadata.annotations ?? {},
      spec: o.spec as unknown as IngressSpec,
    }));
}

/** Every variable a container gets: its own env and the ConfigMaps it loads whole. */
function environmentOf(container: Container): Map<string, EnvVar> {
  const env = new Map<string, EnvVar>();
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) throw new Error('secrets are referenced one key at a time (secretKeyRef)');
    const map = configMaps.get(source.configMapRef?.name ?? '');
    if (!map) throw new Error(`envFrom names ConfigMap ${source.configMapRef?.name}, which is not generated`);
    for (const [name, value] of Object.entries(map.data)) env.set(name, { name, value });
  }
  // A container's own env wins over envFrom, as in Kubernetes.
  for (const variable of container.env ?? []) env.set(variable.name, variable);
  return env;
}

/** What an operator puts into the Secrets (docs/deploy.md): values the apps' schemas accept. */
const exampleSecretValues: Record<string, string> = {
  DATABASE_URL: 'postgres://parley:change-me@postgres.example.internal:5432/parley',
  REDIS_URL: 'redis://:change-me@redis.example.internal:6379',
  JWT_PRIVATE_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'x-part', d: 'd-part' }),
  OAUTH_CLIENTS: JSON.stringify([
    { id: 'voice-proxy', secret: 'voice-proxy-client-secret', scopes: ['voice.proxy'] },
    { id: 'webhook-gateway', secret: 'webhook-gateway-client-secret', scopes: ['voice.proxy'] },
  ]),
  VOICE_PROXY_CLIENT_SECRET: 'voice-proxy-client-secret',
  WEBHOOK_GATEWAY_CLIENT_SECRET: 'webhook-gateway-client-secret',
  VAPID_PUBLIC_KEY: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
  VAPID_PRIVATE_KEY: 'tUxbf-Mh1Hy6BXvO1Ynd4b-qC_xAj8ZU-9dGzf0a5Kc',
  PARLEY_PROVIDER_TOKEN_SECRET: 'a-provider-token-secret-of-32-chars-or-more',
  OUTGOING_WEBHOOK_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
};

/** The environment the pod would start with, secrets filled from the examples above. */
function podEnvironment(service: ServiceEntry): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, variable] of environmentOf(containerOf(service))) {
    if (variable.value !== undefined) env[name] = variable.value;
    else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.name')
      env[name] = `${service.name}-7c9d5b-x2k8q`;
    else if (variable.valueFrom?.secretKeyRef && !variable.valueFrom.secretKeyRef.optional) {
      const example = exampleSecretValues[variable.valueFrom.secretKeyRef.key];
      if (example === undefined)
        throw new Error(`no example value for secret key ${variable.valueFrom.secretKeyRef.key}`);
      env[name] = example;
    }
  }
  return env;
}

interface ServiceConfigDefinition {
  load(env: Record<string, string | undefined>): unknown;
  variables(): string[];
}

/** The app's config definition (apps/<app>/src/config/config.ts), the one schema its process reads. */
async function configDefinition(service: ServiceEntry): Promise<ServiceConfigDefinition> {
  const file = join(root, service.dir, 'src/config/config.ts');
  const module = (await import(file)) as Record<string, unknown>;
  const definitions = Object.values(module).filter(
    (value): value is ServiceConfigDefinition =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Partial<ServiceConfigDefinition>).variables === 'function' &&
      typeof (value as Partial<ServiceConfigDefinition>).load === 'function',
  );
  if (definitions.length !== 1) throw new Error(`${file} should export one config definition`);
  return definitions[0] as ServiceConfigDefinition;
}

/** Variables an app reads and those it cannot start without (the ones its empty-environment error names). */
async function appVariables(service: ServiceEntry): Promise<{ read: string[]; required: string[] }> {
  if (service.entry === 'server.mjs') {
    // The web server is plain JavaScript without a schema; server-config.mjs lists what it reads.
    const module = (await import(join(root, service.dir, 'server-config.mjs'))) as {
      webEnvVariables?: unknown;
    };
    if (!Array.isArray(module.webEnvVariables))
      throw new Error(`${service.dir}/server-config.mjs: no webEnvVariables`);
    return { read: module.webEnvVariables.map(String), required: [] };
  }
  const definition = await configDefinition(service);
  let required: string[] = [];
  try {
    definition.load({});
  } catch (err) {
    required = [...(err as Error).message.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] ?? '');
    if (required.length === 0)
      throw new Error(`${service.name} refuses an empty environment: ${String(err)}`);
  }
  return { read: definition.variables(), required };
}

/** The routes an app's controllers and WebSocket endpoints declare, parameters as placeholders. */
function declaredRoutes(service: ServiceEntry): string[] {
  const routes = new Set<string>();
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
    );
  const decorator = /@(Controller|Get|Post|Put|Patch|Delete|All|Head|Options)\(([^)]*)\)/g;
  for (const file of walk(join(root, service.dir, 'src'))) {
    if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
    const source = readFileSync(file, 'utf8');
    let prefix: string | undefined;
    for (const [, name, args = ''] of source.matchAll(decorator)) {
      const literal = /^\s*'([^']*)'\s*$/.exec(args);
      if (args.trim() !== '' && !literal)
        throw new Error(`${relative(root, file)}: @${name}(${args}) is not a plain path`);
      const path = literal?.[1] ?? '';
      if (name === 'Controller') prefix = path;
      else if (prefix !== undefined) routes.add(`/${[prefix, path].filter(Boolean).join('/')}`);
    }
    for (const [, path] of source.matchAll(/export const [A-Z_]+_PATH = '(\/[^']*)'/g))
      routes.add(path ?? '');
  }
  return [...routes].map((route) => route.replace(/:[A-Za-z]+/g, 'p1'));
}

/** Where ingress-nginx sends a path on a host: the longest matching Prefix (or an Exact match). */
function routeOf(
  host: string,
  path: string,
): { service: string; port: string | number | undefined; ingress: string } | undefined {
  let best:
    { length: number; service: string; port: string | number | undefined; ingress: string } | undefined;
  for (const ingress of ingresses()) {
    for (const rule of ingress.spec.rules) {
      if (rule.host !== host) continue;
      for (const p of rule.http.paths) {
        const spec = p.path.replace(/\/+$/, '') || '/';
        const matches =
          p.pathType === 'Exact'
            ? path === p.path
            : spec === '/' || path === spec || path.startsWith(`${spec}/`);
        const length = p.pathType === 'Exact' ? Number.MAX_SAFE_INTEGER : spec.length;
        if (matches && (!best || length > best.length)) {
          const port = p.backend.service.port.name ?? p.backend.service.port.number;
          best = { length, service: p.backend.service.name, port, ingress: ingress.name };
        }
      }
    }
  }
  return best && { service: best.service, port: best.port, ingress: best.ingress };
}

const services = manifest.services;
const backends = services.filter((s) => s.entry !== 'server.mjs');
const webService = services.find((s) => s.entry === 'server.mjs');
const publicHost = ingresses().find((i) => i.name === 'parley')?.spec.rules[0]?.host ?? '';

describe('Kubernetes manifests: the files', () => {
  it('the kustomization lists every manifest and env file in deploy/kubernetes, and only files that exist', () => {
    const yamlFiles = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect([...(kustomization.resources ?? [])].sort()).toEqual(yamlFiles.sort());
    const envFiles = readdirSync(join(dir, 'config')).map((f) => `config/${f}`);
    const generated = (kustomization.configMapGenerator ?? []).flatMap((g) => g.envs ?? []);
    expect([...generated].sort()).toEqual(envFiles.sort());
  });

  it('every object is valid for the Kubernetes API (kubernetes-models) and of a kind this check knows', () => {
    const problems: string[] = [];
    for (const object of objects) {
      const model = models[`${object.apiVersion}/${object.kind}`];
      if (!model) {
        problems.push(
          `${object.kind} ${object.metadata?.name}: ${object.apiVersion}/${object.kind} is not expected here`,
        );
        continue;
      }
      try {
        new model(object as never).validate();
      } catch (err) {
        problems.push(`${object.kind} ${object.metadata.name}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(objects.length).toBeGreaterThan(services.length * 4);
  });

  it('a bad object fails validation, so the check above can fail', () => {
    const broken = structuredClone(find('Deployment', 'messaging')) as K8sObject;
    (broken.spec as unknown as DeploymentSpec).template.spec.containers[0]!.ports = [
      { name: 'http', containerPort: 'http' as unknown as number },
    ];
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  // kubectl ships kustomize; where it is installed, the real build is checked too.
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  it.runIf(kubectl)(
    'kubectl kustomize builds it into valid objects, with tags, hashed ConfigMaps and the namespace',
    () => {
      const build = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
      expect(build.status, build.stderr).toBe(0);
      const built = parseAllDocuments(build.stdout).map((doc) => doc.toJS() as K8sObject);
      const ids = (list: K8sObject[]) =>
        list
          .filter((o) => o.kind !== 'ConfigMap')
          .map((o) => `${o.kind}/${o.metadata.name}`)
          .sort();
      expect(ids(built)).toEqual(ids(objects));
      // Generated ConfigMaps get a hash of their contents appended to the name.
      const builtMaps = built.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name);
      expect(builtMaps.map((name) => name.replace(/-[a-z0-9]{10}$/, '')).sort()).toEqual(
        [...configMaps.keys()].sort(),
      );
      const configMapNames = new Set(built.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
      for (const object of built) {
        const model = models[`${object.apiVersion}/${object.kind}`];
        expect(
          () => model && new model(object as never).validate(),
          `${object.kind} ${object.metadata.name}`,
        ).not.toThrow();
        if (object.kind !== 'Namespace')
          expect((object.metadata as { namespace?: string }).namespace).toBe('parley');
        if (object.kind !== 'Deployment') continue;
        for (const container of (object.spec as unknown as DeploymentSpec).template.spec.containers) {
          expect(container.image).toMatch(/^parley\/[a-z-]+:\d+\.\d+\.\d+/);
          for (const source of container.envFrom ?? [])
            expect(configMapNames).toContain(source.configMapRef?.name);
        }
      }
    },
  );

  it('everything goes into one namespace, and every image is pinned to a tag', () => {
    expect(kustomization.namespace).toBe('parley');
    expect(find('Namespace', 'parley')).toBeDefined();
    const images = new Map((kustomization.images ?? []).map((i) => [i.name, i]));
    for (const service of services) {
      const { image } = containerOf(service);
      // The Dockerfile's convention: docker build --build-arg APP=<service> -t parley/<service> .
      expect(image, service.name).toBe(`parley/${service.name}`);
      const pinned = images.get(image);
      expect(pinned?.newTag ?? pinned?.digest, `${image} in kustomization images`).toMatch(
        /^(\d+\.\d+\.\d+\S*|sha256:[0-9a-f]{64})$/,
      );
    }
    expect([...images.keys()].sort()).toEqual(services.map((s) => `parley/${s.name}`).sort());
  });

  it('no Secret is written down: none in the manifests carries data, and the kustomization generates none', () => {
    expect(kustomization.secretGenerator).toBeUndefined();
    for (const object of objects.filter((o) => o.kind === 'Secret')) {
      expect(object.data, `Secret ${object.metadata.name}`).toBeUndefined();
      expect(object.stringData, `Secret ${object.metadata.name}`).toBeUndefined();
    }
  });

  it('credentials come only from Secrets: no plain value or ConfigMap entry holds one', () => {
    const secretLike =
      /SECRET|PASSWORD|PRIVATE|_JWK$|_KEY$|_KEY_ID$|TOKEN$|^DATABASE_URL$|^REDIS_URL$|^OAUTH_CLIENTS$/;
    for (const map of configMaps.values())
      for (const name of Object.keys(map.data))
        expect(name, `ConfigMap ${map.metadata.name}`).not.toMatch(secretLike);
    for (const service of services)
      for (const variable of containerOf(service).env ?? [])
        if (secretLike.test(variable.name))
          expect(variable.valueFrom?.secretKeyRef, `${service.name} ${variable.name}`).toBeDefined();
  });

  it('every Secret and key the Deployments reference is described in docs/deploy.md', () => {
    const docs = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
    const kubernetes = docs.slice(docs.indexOf('## Kubernetes'));
    for (const service of services) {
      for (const variable of containerOf(service).env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(kubernetes, `Secret ${ref.name}`).toContain(ref.name);
        expect(kubernetes, `key ${ref.key} of ${ref.name}`).toContain(ref.key);
      }
    }
  });
});

describe.each(services.map((s) => [s.name, s] as const))('Kubernetes manifests: %s', (name, service) => {
  it('has a Deployment, a Service, a PodDisruptionBudget and a HorizontalPodAutoscaler that fit together', () => {
    const deployment = deploymentOf(service);
    const podLabels = deployment.template.metadata.labels;
    for (const [key, value] of Object.entries(deployment.selector.matchLabels))
      expect(podLabels[key]).toBe(value);

    const svc = find('Service', name)?.spec as { selector: Record<string, string> } | undefined;
    expect(svc, `Service ${name}`).toBeDefined();
    for (const [key, value] of Object.entries(svc?.selector ?? {})) expect(podLabels[key]).toBe(value);

    // Every service keeps its state in PostgreSQL and Redis (or none at all), so each can lose a pod and scale.
    const pdb = find('PodDisruptionBudget', name)?.spec as
      { selector: { matchLabels: Record<string, string> } } | undefined;
    expect(pdb?.selector.matchLabels).toEqual(deployment.selector.matchLabels);
    const hpa = find('HorizontalPodAutoscaler', name)?.spec as
      | { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number }
      | undefined;
    expect(hpa?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
    expect(hpa?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa?.maxReplicas).toBeGreaterThanOrEqual(hpa?.minReplicas ?? 0);
    // The autoscaler owns the replica count; a fixed one would be reset on every apply.
    expect(deployment.replicas).toBeUndefined();
  });

  it('listens on the ports of services.json, each set through its port variable and published by the Service', () => {
    const container = containerOf(service);
    expect(container.ports).toEqual(service.ports.map((p) => ({ name: p.name, containerPort: p.default })));
    const env = environmentOf(container);
    for (const port of service.ports) expect(env.get(port.env)?.value, port.env).toBe(String(port.default));
    const svc = find('Service', name)?.spec as {
      ports: Array<{ name: string; port: number; targetPort: string }>;
    };
    expect(svc.ports.map(({ name: portName, port, targetPort }) => ({ portName, port, targetPort }))).toEqual(
      service.ports.map((p) => ({ portName: p.name, port: p.default, targetPort: p.name })),
    );
  });

  it('is probed on /health/ready (readiness) and /health/live (liveness, start-up) on its health port', () => {
    const container = containerOf(service);
    const port = service.health.port;
    expect(container.ports?.some((p) => p.name === port)).toBe(true);
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port });
    if (container.startupProbe)
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port });
  });

  it('runs as a non-root user without privilege escalation or capabilities, with requests and limits', () => {
    const pod = deploymentOf(service).template.spec;
    const container = containerOf(service);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect(container.securityContext?.capabilities?.add).toBeUndefined();
    for (const resource of ['cpu', 'memory']) {
      expect(container.resources?.requests?.[resource], `requests.${resource}`).toBeDefined();
      expect(container.resources?.limits?.[resource], `limits.${resource}`).toBeDefined();
    }
  });

  it('sets every variable services.json gives the service, but for the embedded storage a cluster replaces', () => {
    // PostgreSQL (DATABASE_URL) instead of PGlite files, the shared signing key (JWT_PRIVATE_JWK) instead of
    // one generated into a file: both would otherwise belong to a single pod.
    const replacedInCluster: Record<string, string> = {
      PGLITE_DIR: 'DATABASE_URL',
      JWT_KEY_FILE: 'JWT_PRIVATE_JWK',
    };
    const env = environmentOf(containerOf(service));
    for (const variable of Object.keys(service.env ?? {})) {
      expect(env.has(replacedInCluster[variable] ?? variable), variable).toBe(true);
    }
  });

  it('sets only variables the app reads, and every one it cannot start without', async () => {
    const { read, required } = await appVariables(service);
    const set = [...environmentOf(containerOf(service)).keys()];
    expect(
      set.filter((v) => !read.includes(v)),
      'set but never read',
    ).toEqual([]);
    expect(
      required.filter((v) => !set.includes(v)),
      'required but not set',
    ).toEqual([]);
  });
});

describe.each(backends.map((s) => [s.name, s] as const))(
  'Kubernetes manifests: %s configuration',
  (_name, service) => {
    it("is accepted by the app's own config schema, with the Secrets filled in", async () => {
      const definition = await configDefinition(service);
      expect(() => definition.load(podEnvironment(service))).not.toThrow();
    });

    it('reaches other services by their Service name and port', () => {
      for (const [name, variable] of environmentOf(containerOf(service))) {
        if (!variable.value || !/^(JWKS_URL|MESSAGING_URL)$/.test(name)) continue;
        const url = new URL(variable.value);
        const target = services.find((s) => s.name === url.hostname);
        expect(target, `${name} names a Service`).toBeDefined();
        expect(
          target?.ports.map((p) => String(p.default)),
          name,
        ).toContain(url.port);
      }
    });
  },
);

describe('Kubernetes manifests: the Ingress', () => {
  it('routes every path the apps declare to the service that declares it', () => {
    const misrouted: string[] = [];
    for (const service of backends) {
      const routes = declaredRoutes(service);
      expect(routes.length, `${service.name} routes`).toBeGreaterThan(0);
      for (const route of routes) {
        const target = routeOf(publicHost, route);
        if (target?.service !== service.name)
          misrouted.push(`${route}: ${service.name}, routed to ${target?.service}`);
      }
    }
    for (const route of ['/', '/config.json', '/widget.js', '/conversations/p1']) {
      if (routeOf(publicHost, route)?.service !== webService?.name) misrouted.push(`${route}: web`);
    }
    expect(misrouted).toEqual([]);
  });

  it('sends each route to a port its Service publishes', () => {
    for (const ingress of ingresses())
      for (const rule of ingress.spec.rules)
        for (const path of rule.http.paths) {
          const target = services.find((s) => s.name === path.backend.service.name);
          expect(target, `${ingress.name} ${path.path}`).toBeDefined();
          expect(target?.ports.map((p) => p.name)).toContain(path.backend.service.port.name);
        }
  });

  it('keeps the WebSockets open for long on their own Ingress', () => {
    for (const path of ['/v1/realtime', '/v1/terminal']) {
      const target = routeOf(publicHost, path);
      const ingress = ingresses().find((i) => i.name === target?.ingress);
      expect(
        Number(ingress?.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']),
        path,
      ).toBeGreaterThanOrEqual(3600);
      expect(
        Number(ingress?.annotations['nginx.ingress.kubernetes.io/proxy-send-timeout']),
        path,
      ).toBeGreaterThanOrEqual(3600);
    }
  });

  it("reaches terminal-core's gRPC port over GRPC on a host of its own, with TLS", () => {
    const terminal = services.find((s) => s.name === 'terminal-core');
    expect(terminal?.ports.some((p) => p.name === 'grpc')).toBe(true);
    const grpc = ingresses().filter(
      (i) => i.annotations['nginx.ingress.kubernetes.io/backend-protocol'] === 'GRPC',
    );
    expect(grpc).toHaveLength(1);
    const rule = grpc[0]?.spec.rules[0];
    expect(rule?.host).not.toBe(publicHost);
    expect(rule?.http.paths.map((p) => p.backend.service)).toEqual([
      { name: 'terminal-core', port: { name: 'grpc' } },
    ]);
    expect(grpc[0]?.spec.tls?.[0]?.hosts).toContain(rule?.host);
  });

  it('serves every host over TLS', () => {
    for (const ingress of ingresses())
      for (const rule of ingress.spec.rules)
        expect(
          ingress.spec.tls?.flatMap((t) => t.hosts),
          `${ingress.name}`,
        ).toContain(rule.host);
  });

  it('gives browsers and providers the public host: web config, CORS origin and GATEWAY_PUBLIC_URL', () => {
    const origin = `https://${publicHost}`;
    const web = configMaps.get('web')?.data ?? {};
    expect(web).toMatchObject({
      MESSAGING_PUBLIC_URL: origin,
      TERMINAL_PUBLIC_URL: `wss://${publicHost}`,
      VOICE_PROXY_PUBLIC_URL: origin,
      WEBHOOK_GATEWAY_PUBLIC_URL: origin,
    });
    for (const service of backends) {
      const cors = environmentOf(containerOf(service)).get('CORS_ORIGINS')?.value?.split(',');
      expect(cors, `${service.name} CORS_ORIGINS`).toContain(origin);
    }
    expect(configMaps.get('webhook-gateway')?.data.GATEWAY_PUBLIC_URL).toBe(origin);
  });

  it('a variable that several services read has one value everywhere (operators, demo users, URLs)', () => {
    const portVariables = new Set(services.flatMap((s) => s.ports.map((p) => p.env)));
    const values = new Map<string, Map<string, string>>();
    for (const service of services)
      for (const [name, variable] of environmentOf(containerOf(service)))
        if (variable.value !== undefined && !portVariables.has(name))
          values.set(name, (values.get(name) ?? new Map<string, string>()).set(service.name, variable.value));
    const shared = [...values].filter(([, byService]) => byService.size > 1);
    expect(shared.map(([name]) => name)).toEqual(
      expect.arrayContaining(['SUPPORT_OPERATORS', 'SEED_DEMO_USERS']),
    );
    for (const [name, byService] of shared) expect(new Set(byService.values()).size, name).toBe(1);
  });
});
