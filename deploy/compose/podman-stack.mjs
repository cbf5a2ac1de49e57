#!/usr/bin/env node
// Runs docker-compose.yml with podman on a machine without a Docker engine and without a bridge network:
// every container shares the host's network (service names resolve to 127.0.0.1 through --add-host), so
// each service needs its own port, which the compose file takes from variables (services.json's names).
//
//   node deploy/compose/podman-stack.mjs build [--env-file F] [SERVICE...]
//   node deploy/compose/podman-stack.mjs up    [--env-file F] [--project P] [--no-limits]
//   node deploy/compose/podman-stack.mjs down  [--env-file F] [--project P] [--volumes]
//   node deploy/compose/podman-stack.mjs logs  [--project P] SERVICE
//
// What it follows from the compose file: image, build (context, dockerfile, args), command, entrypoint,
// environment, user, init, volumes (named ones get the project's prefix), restart, healthcheck (polled with
// podman exec), depends_on with service_healthy / service_completed_successfully, profiles and
// deploy.resources.limits. Ports and networks are moot with host networking; the scale profile needs a
// bridge network (its second nodes share the first ones' ports and names), so it is refused here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCompose, readComposeDocument } from './compose-file.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const podman = ['podman', '--runtime', process.env.PODMAN_RUNTIME ?? 'runc'];
// The machine's defaults for new processes are above what an unprivileged container may set.
const ulimits = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

function parseArgs(argv) {
  const opts = {
    command: argv[0],
    envFile: undefined,
    project: 'parley',
    profiles: [],
    volumes: false,
    limits: true,
    names: [],
  };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--env-file') opts.envFile = argv[++i];
    else if (arg === '--project') opts.project = argv[++i];
    else if (arg === '--profile') opts.profiles.push(argv[++i]);
    else if (arg === '--volumes') opts.volumes = true;
    else if (arg === '--no-limits') opts.limits = false;
    else opts.names.push(arg);
  }
  return opts;
}

function run(args, { quiet = false, check = true } = {}) {
  const result = spawnSync(args[0], args.slice(1), { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (check && result.status !== 0) {
    throw new Error(`${args.slice(0, 4).join(' ')} … failed (${result.status})\n${result.stderr ?? ''}`);
  }
  return result;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Compose durations (10s, 1m30s, 500ms) in milliseconds. */
function durationMs(value, fallback) {
  if (value === undefined) return fallback;
  let total = 0;
  for (const [, n, unit] of String(value).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(n) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit];
  }
  return total || fallback;
}

/** Dependencies first. */
function startOrder(services) {
  const order = [];
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of Object.keys(dependsOn(services[name]))) if (services[dep]) visit(dep);
    order.push(name);
  };
  Object.keys(services).forEach(visit);
  return order;
}

function dependsOn(service) {
  const deps = service.depends_on ?? {};
  return Array.isArray(deps)
    ? Object.fromEntries(deps.map((d) => [d, { condition: 'service_started' }]))
    : deps;
}

function envList(environment = {}) {
  return Array.isArray(environment)
    ? environment
    : Object.entries(environment).map(([k, v]) => `${k}=${v ?? ''}`);
}

function volumeArgs(project, volumes = []) {
  return volumes.flatMap((entry) => {
    const [source, target, mode] =
      typeof entry === 'string'
        ? entry.split(':')
        : [entry.source, entry.target, entry.read_only ? 'ro' : undefined];
    const isPath = source.startsWith('.') || source.startsWith('/');
    const from = isPath ? (isAbsolute(source) ? source : join(root, source)) : `${project}_${source}`;
    return ['-v', `${from}:${target}${mode ? `:${mode}` : ''}`];
  });
}

function limitArgs(service) {
  const limits = service.deploy?.resources?.limits ?? {};
  const args = [];
  if (limits.memory) args.push('--memory', String(limits.memory).toLowerCase());
  if (limits.cpus) args.push('--cpus', String(limits.cpus));
  return args;
}

function healthCommand(service) {
  const test = service.healthcheck?.test;
  if (!test || service.healthcheck.disable) return undefined;
  if (typeof test === 'string') return ['sh', '-c', test];
  if (test[0] === 'CMD') return test.slice(1);
  if (test[0] === 'CMD-SHELL') return ['sh', '-c', test[1]];
  return undefined;
}

function containerName(project, name) {
  return `${project}-${name}`;
}

async function waitHealthy(project, name, service, timeoutMs) {
  const command = healthCommand(service);
  if (!command) return;
  const interval = Math.min(durationMs(service.healthcheck.interval, 5000), 2000);
  const deadline = Date.now() + timeoutMs;
  const started = Date.now();
  while (Date.now() < deadline) {
    const state = run([...podman, 'inspect', '-f', '{{.State.Running}}', containerName(project, name)], {
      quiet: true,
      check: false,
    });
    if (state.stdout.trim() !== 'true') throw new Error(`${name} stopped before it became healthy`);
    const probe = run([...podman, 'exec', containerName(project, name), ...command], {
      quiet: true,
      check: false,
    });
    if (probe.status === 0) {
      process.stdout.write(`  ${name} healthy after ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
      return;
    }
    await sleep(interval);
  }
  throw new Error(`${name} did not become healthy in ${timeoutMs / 1000}s`);
}

function waitCompleted(project, name) {
  const result = run([...podman, 'wait', containerName(project, name)], { quiet: true });
  if (result.stdout.trim() !== '0') throw new Error(`${name} exited with ${result.stdout.trim()}`);
}

/**
 * A copy of the build context as it is now, without what .dockerignore leaves out: the images then all come
 * from one state of the tree, however it changes while they build, and share their cached layers.
 */
function snapshotContext(context) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-build-context-'));
  const ignore = existsSync(join(context, '.dockerignore'))
    ? readFileSync(join(context, '.dockerignore'), 'utf8').split('\n')
    : [];
  // .dockerignore patterns are relative to the context's root unless they start with **/.
  const excludes = ignore
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'))
    .flatMap((p) => ['--exclude', p.startsWith('**/') ? p.slice(3) : `/${p.replace(/^\//, '')}`]);
  run(['rsync', '-a', ...excludes, `${context}/`, `${dir}/`]);
  return dir;
}

function build(compose, names) {
  const snapshots = new Map();
  const built = new Set();
  try {
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.build || (names.length && !names.includes(name)) || built.has(service.image)) continue;
      built.add(service.image);
      const spec = typeof service.build === 'string' ? { context: service.build } : service.build;
      const context = join(root, spec.context ?? '.');
      if (!snapshots.has(context)) snapshots.set(context, snapshotContext(context));
      const copy = snapshots.get(context);
      const args = Object.entries(spec.args ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
      const started = Date.now();
      run([
        ...podman,
        'build',
        '--network',
        'host',
        ...ulimits,
        '-t',
        service.image,
        '-f',
        join(copy, spec.dockerfile ?? 'Dockerfile'),
        ...args,
        copy,
      ]);
      process.stdout.write(`built ${service.image} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    }
  } finally {
    for (const dir of snapshots.values()) rmSync(dir, { recursive: true, force: true });
  }
}

async function up(compose, opts) {
  if (opts.profiles.includes('scale')) {
    throw new Error(
      'the scale profile needs a bridge network (docker compose); host networking runs one node each',
    );
  }
  const { services } = compose;
  const hosts = Object.keys(services).flatMap((n) => ['--add-host', `${n}:127.0.0.1`]);
  for (const [volume] of Object.entries(compose.volumes ?? {})) {
    const name = `${opts.project}_${volume}`;
    if (run([...podman, 'volume', 'exists', name], { quiet: true, check: false }).status !== 0) {
      run([...podman, 'volume', 'create', name], { quiet: true });
    }
  }
  const waitFor = new Map(); // service -> condition others wait for
  for (const service of Object.values(services)) {
    for (const [dep, { condition }] of Object.entries(dependsOn(service))) {
      if (condition !== 'service_started') waitFor.set(dep, condition);
    }
  }
  for (const name of startOrder(services)) {
    const service = services[name];
    const args = [
      ...podman,
      'run',
      '-d',
      '--name',
      containerName(opts.project, name),
      '--network',
      'host',
      ...ulimits,
      ...hosts,
    ];
    args.push('--label', `io.parley.project=${opts.project}`);
    if (service.user !== undefined) args.push('--user', String(service.user));
    if (service.init) args.push('--init');
    if (service.restart && service.restart !== 'no') args.push('--restart', service.restart);
    if (opts.limits) args.push(...limitArgs(service));
    for (const e of envList(service.environment)) args.push('-e', e);
    args.push(...volumeArgs(opts.project, service.volumes));
    if (service.entrypoint) args.push('--entrypoint', JSON.stringify([].concat(service.entrypoint)));
    args.push(service.image, ...(service.command ? [].concat(service.command) : []));
    process.stdout.write(`starting ${name}\n`);
    run(args, { quiet: true });
    const condition = waitFor.get(name);
    try {
      if (condition === 'service_completed_successfully') waitCompleted(opts.project, name);
      else if (condition === 'service_healthy' || healthCommand(service)) {
        await waitHealthy(
          opts.project,
          name,
          service,
          Number(process.env.PARLEY_HEALTH_TIMEOUT_MS ?? 180_000),
        );
      }
    } catch (err) {
      process.stderr.write(`\n--- ${name} logs ---\n`);
      run([...podman, 'logs', '--tail', '60', containerName(opts.project, name)], { check: false });
      throw err;
    }
  }
}

function down(compose, opts) {
  const listed = run(
    [...podman, 'ps', '-a', '--filter', `label=io.parley.project=${opts.project}`, '--format', '{{.Names}}'],
    { quiet: true },
  );
  const names = listed.stdout.split('\n').filter(Boolean);
  if (names.length) run([...podman, 'rm', '-f', '-t', '5', ...names], { quiet: true, check: false });
  if (opts.volumes) {
    for (const volume of Object.keys(compose.volumes ?? {})) {
      run([...podman, 'volume', 'rm', '-f', `${opts.project}_${volume}`], { quiet: true, check: false });
    }
  }
  process.stdout.write(
    `removed ${names.length} containers${opts.volumes ? ' and the volumes' : ''} of ${opts.project}\n`,
  );
}

function readEnvFile(file) {
  if (!file) return {};
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2].trim();
    if (/^'.*'$/.test(value) || /^".*"$/.test(value)) value = value.slice(1, -1);
    env[match[1]] = value;
  }
  return env;
}

const opts = parseArgs(process.argv.slice(2));
const env = {
  ...readEnvFile(opts.envFile ?? (existsSync(join(root, '.env')) ? join(root, '.env') : undefined)),
  ...process.env,
};
// Removing needs only the names, so `down` works without the secrets `up` requires.
const compose =
  opts.command === 'down' || opts.command === 'logs'
    ? readComposeDocument()
    : loadCompose(env, { profiles: opts.profiles });
try {
  if (opts.command === 'build') build(compose, opts.names);
  else if (opts.command === 'up') await up(compose, opts);
  else if (opts.command === 'down') down(compose, opts);
  else if (opts.command === 'logs') run([...podman, 'logs', containerName(opts.project, opts.names[0])]);
  else
    throw new Error(
      'usage: podman-stack.mjs build|up|down|logs [--env-file F] [--project P] [--volumes] [--no-limits]',
    );
} catch (err) {
  process.stderr.write(`podman-stack: ${err.message}\n`);
  process.exit(1);
}
