import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Set once in the runner process; workers inherit it, so every process agrees on the schema.
process.env.PARLEY_E2E_SCHEMA ??= `e2e_${randomBytes(4).toString('hex')}`;
const schema = process.env.PARLEY_E2E_SCHEMA;
const messagingPort = Number(process.env.E2E_MESSAGING_PORT ?? 4301);
const webPort = Number(process.env.E2E_WEB_PORT ?? 4300);
const terminalPort = Number(process.env.E2E_TERMINAL_PORT ?? 4302);
const terminalGrpcPort = Number(process.env.E2E_TERMINAL_GRPC_PORT ?? 4303);
export const messagingUrl = `http://127.0.0.1:${messagingPort}`;
export const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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
    launchOptions: {
      // Debian's Chromium, never a downloaded browser build.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    },
  },
  webServer: [
    {
      command: 'node ../apps/messaging/dist/main.js',
      url: `${messagingUrl}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        PORT: String(messagingPort),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        DB_SCHEMA: schema,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `ptest:${schema}`,
        PASSWORD_HASH_PROFILE: 'fast-test',
        JWT_KEY_FILE: join(tmpdir(), `parley-${schema}-key.json`),
        SEED_DEMO_USERS: 'true',
        LOG_LEVEL: 'warn',
      },
    },
    {
      name: 'terminal-core',
      command: 'node ../apps/terminal-core/dist/main.js',
      url: `http://127.0.0.1:${terminalPort}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        PORT: String(terminalPort),
        HOST: '127.0.0.1',
        GRPC_PORT: String(terminalGrpcPort),
        GRPC_HOST: '127.0.0.1',
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `ptest:${schema}`,
        JWKS_URL: `${messagingUrl}/.well-known/jwks.json`,
        LOG_LEVEL: 'warn',
      },
    },
    {
      command: 'node ../apps/web/server.mjs',
      url: `http://127.0.0.1:${webPort}/`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: {
        WEB_PORT: String(webPort),
        WEB_HOST: '127.0.0.1',
        MESSAGING_PUBLIC_URL: messagingUrl,
        TERMINAL_PUBLIC_URL: `ws://127.0.0.1:${terminalPort}`,
      },
    },
  ],
});
