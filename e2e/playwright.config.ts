import { defineConfig } from '@playwright/test';
import { testDatabaseUrl, testRedisUrl } from '@parley/testing';
import { chromiumLaunchOptions } from './chromium.mjs';
import { healthUrl, manifest, resolvePorts, root, serviceEnv } from '../scripts/lib/services.mjs';
import { e2eNamespace, voiceProxyNamespace, webhookGatewayNamespace } from './namespace.js';
import { liveKitStandIn } from './livekit-stand-in.js';
import { e2eMachineClients } from './machine-clients.js';
import { suitePorts } from './ports.js';

const { schema, redisPrefix } = e2eNamespace;
const e2ePorts = await suitePorts();
const services = manifest.services;
const voiceProxy = services.find((s) => s.name === 'voice-proxy');
const webhookGateway = services.find((s) => s.name === 'webhook-gateway');
const ports = resolvePorts({
  MESSAGING_PORT: e2ePorts.messaging,
  WEB_PORT: e2ePorts.web,
  TERMINAL_PORT: e2ePorts.terminal,
  TERMINAL_GRPC_PORT: e2ePorts.terminalGrpc,
  ...(voiceProxy ? { [voiceProxy.ports[0]!.override]: e2ePorts.voiceProxy } : {}),
  ...(webhookGateway ? { [webhookGateway.ports[0]!.override]: e2ePorts.webhookGateway } : {}),
});
const webPort = ports['web.http']!;
export const messagingUrl = `http://127.0.0.1:${ports['messaging.http']}`;
const terminalWsUrl = `ws://127.0.0.1:${ports['terminal-core.http']}`;
const voiceProxyUrl = voiceProxy && `http://127.0.0.1:${ports[`voice-proxy.${voiceProxy.ports[0]!.name}`]}`;
export const webhookGatewayUrl =
  webhookGateway && `http://127.0.0.1:${ports[`webhook-gateway.${webhookGateway.ports[0]!.name}`]}`;
// The gateway's LiveKit points at a local stand-in of LiveKit's RoomService, started here (before the web
// servers, which Playwright starts before any global setup) and shared with the workers through the environment.
const liveKit = webhookGateway ? await liveKitStandIn() : undefined;

/** What the e2e run sets on top of services.json: its storage, Redis prefix and test-friendly limits. */
const e2eEnv: Record<string, Record<string, string>> = {
  messaging: {
    HOST: '127.0.0.1',
    DATABASE_URL: testDatabaseUrl,
    DB_SCHEMA: schema,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    PASSWORD_HASH_PROFILE: 'fast-test',
    JWT_KEY_FILE: e2eNamespace.tempFile('signing-key.json'),
    ATTACHMENT_DIR: e2eNamespace.tempFile('attachments'),
    SEED_DEMO_USERS: 'true',
    // Every scenario signs up and logs in its users from this one address; the limits have tests of
    // their own in the messaging suite.
    RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: '1000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  },
  'terminal-core': {
    HOST: '127.0.0.1',
    GRPC_HOST: '127.0.0.1',
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: 'warn',
  },
  // The support line's calls stay in a schema of the run; a short ring timeout lets an unanswered call give
  // up within a test.
  'voice-proxy': {
    HOST: '127.0.0.1',
    DATABASE_URL: testDatabaseUrl,
    DB_SCHEMA: voiceProxyNamespace.schema,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    VOICE_RING_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'warn',
  },
  // Provider calls go through LiveKit (the stand-in) unless a call names another provider; a short invite
  // window lets an unanswered video invite end as missed within a test.
  'webhook-gateway': {
    HOST: '127.0.0.1',
    DATABASE_URL: testDatabaseUrl,
    DB_SCHEMA: webhookGatewayNamespace.schema,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    VAPID_KEY_FILE: e2eNamespace.tempFile('webhook-gateway-vapid.json'),
    VIDEO_INVITE_WINDOW_MS: '6000',
    ...(liveKit
      ? {
          LIVEKIT_URL: liveKit.url,
          LIVEKIT_API_KEY: liveKit.apiKey,
          LIVEKIT_API_SECRET: liveKit.apiSecret,
          DEFAULT_PROVIDER: 'livekit',
        }
      : {}),
    LOG_LEVEL: 'warn',
  },
  web: {
    WEB_HOST: '127.0.0.1',
    MESSAGING_PUBLIC_URL: messagingUrl,
    TERMINAL_PUBLIC_URL: terminalWsUrl,
    ...(voiceProxyUrl ? { VOICE_PROXY_PUBLIC_URL: voiceProxyUrl } : {}),
    // services.json's web entry does not name the gateway yet; the providers offered are this run's.
    ...(webhookGatewayUrl ? { WEBHOOK_GATEWAY_PUBLIC_URL: webhookGatewayUrl } : {}),
  },
};

/**
 * Added to services.json's messaging values for this run: the live-chat spec's machine clients. The origin
 * of its plain page with the widget is not added to CORS_ORIGINS: registering the site allows it.
 */
function liveChatEnv(serviceName: string, defaults: Record<string, string>): Record<string, string> {
  if (serviceName !== 'messaging') return {};
  const clients: unknown[] = JSON.parse(defaults.OAUTH_CLIENTS ?? '[]');
  return {
    OAUTH_CLIENTS: JSON.stringify([...clients, ...Object.values(e2eMachineClients)]),
  };
}

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: '../.test-results/e2e.playwright.json' }]],
  globalTeardown: './global-teardown.ts',
  use: {
    baseURL: `http://127.0.0.1:${webPort}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Debian's Chromium, never a downloaded browser build; the same flags as the screenshot scripts.
    launchOptions: chromiumLaunchOptions(),
  },
  // Every service in services.json, on the e2e ports, in this run's schema and Redis prefix.
  webServer: manifest.services.map((service) => {
    const { ports: portEnv, defaults } = serviceEnv(service, ports, {
      root,
      data: e2eNamespace.tempFile('data'),
    });
    return {
      name: service.name,
      command: `node ../${service.dir}/${service.entry}`,
      url: healthUrl(service, ports),
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore' as const,
      stderr: 'pipe' as const,
      env: { ...defaults, ...e2eEnv[service.name], ...liveChatEnv(service.name, defaults), ...portEnv },
    };
  }),
});
