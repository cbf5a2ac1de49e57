import { fileURLToPath } from 'node:url';
import { allocateTestNamespace, freePort, startService } from '@parley/testing';
import { databaseUrl, echoWarnings, redisUrl } from '../lib/built-service.mjs';
import { progress } from '../lib/report.mjs';

const mainJs = (app) => fileURLToPath(new URL(`../../../apps/${app}/dist/main.js`, import.meta.url));

/**
 * One deployment's processes. Every process is a built service started with `startService`; the
 * namespaces (schemas, the shared Redis prefix, key files) are dropped by stopAll(), which never throws.
 */
export class Deployment {
  constructor() {
    /** Messaging's schema; its Redis prefix is the one every service shares (the bus lives there). */
    this.ns = allocateTestNamespace('bench_nodes', { databaseUrl, redisUrl });
    this.namespaces = [this.ns];
    this.processes = [];
  }

  namespace(label) {
    const ns = allocateTestNamespace(label, { databaseUrl, redisUrl });
    this.namespaces.push(ns);
    return ns;
  }

  async start(name, app, env, port, health = '/health/ready') {
    const url = `http://127.0.0.1:${port}`;
    let spawned;
    const entry = {
      name,
      url,
      get pid() {
        return spawned?.child.pid;
      },
    };
    this.processes.push(entry);
    const service = await startService({
      name,
      main: mainJs(app),
      env: { PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redisUrl, LOG_LEVEL: 'warn', ...env },
      healthUrl: `${url}${health}`,
      startTimeoutMs: 90_000,
      onOutputLine: echoWarnings(name),
      onSpawn: (s) => {
        spawned = s;
        entry.service = s;
      },
    });
    progress(`${name} (pid ${service.child.pid}) on ${url}`);
    return { ...entry, service, kill: () => service.child.kill('SIGKILL') };
  }

  /** Two messaging processes on one schema, Redis prefix and signing key. */
  async startMessaging(label, oauthClients) {
    const port = await freePort();
    return this.start(
      `messaging-${label}`,
      'messaging',
      {
        DATABASE_URL: databaseUrl,
        DB_SCHEMA: this.ns.schema,
        REDIS_PREFIX: this.ns.redisPrefix,
        JWT_KEY_FILE: this.ns.tempFile('signing-key.json'),
        ATTACHMENT_DIR: this.ns.tempFile('attachments'),
        PASSWORD_HASH_PROFILE: 'fast-test',
        OUTBOX_POLL_INTERVAL_MS: '100',
        OAUTH_CLIENTS: JSON.stringify(oauthClients),
        RATE_LIMIT_SIGNUP_PER_HOUR: '100000000',
        RATE_LIMIT_LOGIN_PER_MINUTE: '100000000',
        RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: '100000000',
        RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
      },
      port,
    );
  }

  async startCore(nodeId, jwksUrl) {
    const [port, grpcPort] = [await freePort(), await freePort()];
    const core = await this.start(
      `terminal-core-${nodeId}`,
      'terminal-core',
      {
        GRPC_PORT: String(grpcPort),
        GRPC_HOST: '127.0.0.1',
        REDIS_PREFIX: this.ns.redisPrefix,
        JWKS_URL: jwksUrl,
        NODE_ID: nodeId,
        TERMINAL_MESSAGES_PER_SECOND: '100000',
      },
      port,
    );
    return { ...core, grpcPort };
  }

  async startVoiceProxy(messagingUrl, client, operators) {
    const ns = this.namespace('bench_nodes_vp');
    return this.start(
      'voice-proxy',
      'voice-proxy',
      {
        DATABASE_URL: databaseUrl,
        DB_SCHEMA: ns.schema,
        REDIS_PREFIX: this.ns.redisPrefix,
        JWKS_URL: `${messagingUrl}/.well-known/jwks.json`,
        MESSAGING_URL: messagingUrl,
        VOICE_PROXY_CLIENT_ID: client.id,
        VOICE_PROXY_CLIENT_SECRET: client.secret,
        SUPPORT_OPERATORS: operators.join(','),
        RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
      },
      await freePort(),
    );
  }

  async startGateway(messagingUrl, client) {
    const ns = this.namespace('bench_nodes_gw');
    const port = await freePort();
    return this.start(
      'webhook-gateway',
      'webhook-gateway',
      {
        DATABASE_URL: databaseUrl,
        DB_SCHEMA: ns.schema,
        REDIS_PREFIX: this.ns.redisPrefix,
        JWKS_URL: `${messagingUrl}/.well-known/jwks.json`,
        MESSAGING_URL: messagingUrl,
        WEBHOOK_GATEWAY_CLIENT_ID: client.id,
        WEBHOOK_GATEWAY_CLIENT_SECRET: client.secret,
        // The receiver listens on loopback, which deliveries may not reach unless listed.
        OUTBOUND_ALLOWED_INTERNAL: '127.0.0.1',
        GATEWAY_PUBLIC_URL: `http://127.0.0.1:${port}`,
        VAPID_KEY_FILE: ns.tempFile('vapid.json'),
        RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
      },
      port,
    );
  }

  /** Stops what still runs, then drops every schema and key; true when everything was cleaned. */
  async stopAll() {
    await Promise.allSettled(this.processes.map((p) => p.service?.stop(5000)));
    const results = await Promise.allSettled(this.namespaces.map((ns) => ns.cleanup()));
    const failed = results.filter((r) => r.status === 'rejected');
    for (const r of failed) progress(`CLEAN-UP FAILED: ${r.reason?.message ?? r.reason}`);
    if (failed.length === 0)
      progress(
        `stopped ${this.processes.length} processes, dropped their schemas and keys ${this.ns.redisPrefix}*`,
      );
    return failed.length === 0;
  }
}
