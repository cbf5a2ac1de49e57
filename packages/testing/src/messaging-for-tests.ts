import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AuthSession, TokenResponse, type SignUpRequest } from '@parley/protocol';
import { testDatabaseUrl, testDb, testRedisUrl } from './environment.js';
import { allocateTestNamespace, type TestNamespace } from './namespace.js';
import { freePort } from './ports.js';
import { startService, type ServiceProcess } from './service-process.js';

/**
 * The built messaging service. A package must not import an app, but starting its built entry point by
 * path is how every other workspace's tests get a real messaging to talk to.
 */
export const messagingMainJs = fileURLToPath(
  new URL('../../../apps/messaging/dist/main.js', import.meta.url),
);

/** A machine client registered with messaging (its `OAUTH_CLIENTS`). */
export interface OAuthClientForTests {
  id: string;
  secret: string;
  scopes: string[];
}

/**
 * Messaging's environment in a test namespace: its schema, Redis prefix, signing key file and upload
 * directory, fast password hashing, rate limits out of the way, quiet logs, and PostgreSQL or embedded
 * PGlite as TEST_DB says. `overrides` win.
 */
export function messagingTestEnv(
  ns: TestNamespace,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DB_SCHEMA: ns.schema,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: ns.redisPrefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PASSWORD_HASH_PROFILE: 'fast-test',
    OUTBOX_POLL_INTERVAL_MS: '100',
    // Suites sign up and log in hundreds of users from one address; the limits have tests of their own.
    RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: '1000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    JWT_KEY_FILE: ns.tempFile('signing-key.json'),
    // Uploads go to the namespace's temporary directory, never into the working tree.
    ATTACHMENT_DIR: ns.tempFile('attachments'),
    ...(testDb === 'postgres' ? { DATABASE_URL: testDatabaseUrl } : { PGLITE_DIR: 'memory://' }),
    ...overrides,
  };
}

export interface StartMessagingForTestsOptions {
  /** Names the namespace allocated for this messaging (`t_<label>_<8 hex>`). */
  label: string;
  /**
   * A namespace the caller owns instead, e.g. one whose Redis prefix other services under test share for
   * the bus; `stop()` then leaves its cleanup to the caller.
   */
  ns?: TestNamespace;
  /** Machine clients messaging accepts (client-credentials tokens). */
  oauthClients?: OAuthClientForTests[];
  /** More configuration; wins over the test environment. */
  env?: Record<string, string>;
  /** Embedded PGlite can take tens of seconds to open on a busy machine. */
  startTimeoutMs?: number;
  /** The entry point to start; the built messaging of this repository unless told. */
  mainJs?: string;
}

export interface SignUpForTests {
  /** Defaults to the name and a random suffix, so each call is a new user. */
  username?: string;
  displayName?: string;
  password?: string;
  msisdn?: string;
}

export interface MessagingForTests {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Where messaging publishes its signing keys. */
  jwksUrl: string;
  ns: TestNamespace;
  schema: string;
  redisPrefix: string;
  service: ServiceProcess;
  /** A new user, signed up through the public API. */
  signUp(name: string, options?: SignUpForTests): Promise<AuthSession>;
  /** A client-credentials access token of one of `oauthClients`. */
  clientToken(client: { id: string; secret: string }): Promise<string>;
  /** Stops the process and, if this helper allocated the namespace, cleans it up. */
  stop(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery';

/**
 * Starts the built messaging service as a child process on a free port, in a namespace of its own, and
 * resolves once `/health` answers.
 */
export async function startMessagingForTests(
  options: StartMessagingForTestsOptions,
): Promise<MessagingForTests> {
  const mainJs = options.mainJs ?? messagingMainJs;
  if (!existsSync(mainJs))
    throw new Error(
      `messaging is not built (${mainJs} is missing): run \`npx turbo run build --filter @parley/messaging\``,
    );
  const ownsNamespace = options.ns === undefined;
  const ns = options.ns ?? allocateTestNamespace(options.label);
  let service: ServiceProcess;
  let url: string;
  try {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = await startService({
      name: `messaging (${options.label})`,
      main: mainJs,
      env: messagingTestEnv(ns, {
        PORT: String(port),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        ...(options.oauthClients ? { OAUTH_CLIENTS: JSON.stringify(options.oauthClients) } : {}),
        ...options.env,
      }),
      healthUrl: `${url}/health`,
      startTimeoutMs: options.startTimeoutMs ?? 120_000,
    });
  } catch (err) {
    if (ownsNamespace) await ns.cleanup();
    throw err;
  }
  const baseUrl = url;
  return {
    url: baseUrl,
    jwksUrl: `${baseUrl}/.well-known/jwks.json`,
    ns,
    schema: ns.schema,
    redisPrefix: ns.redisPrefix,
    service,
    signUp: (name, signUpOptions = {}) => signUp(baseUrl, name, signUpOptions),
    clientToken: (client) => clientToken(baseUrl, client),
    async stop() {
      try {
        await service.stop();
      } finally {
        if (ownsNamespace) await ns.cleanup();
      }
    },
  };
}

async function signUp(baseUrl: string, name: string, options: SignUpForTests): Promise<AuthSession> {
  const safeName = name.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  const username = options.username ?? `${safeName}-${randomBytes(5).toString('hex')}`.slice(0, 32);
  const res = await fetch(`${baseUrl}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username,
      password: options.password ?? TEST_PASSWORD,
      displayName: options.displayName ?? name,
      ...(options.msisdn ? { msisdn: options.msisdn } : {}),
    } satisfies SignUpRequest),
  });
  if (res.status !== 201) throw new Error(`sign-up of ${username} failed: ${res.status} ${await res.text()}`);
  return AuthSession.parse(await res.json());
}

async function clientToken(baseUrl: string, client: { id: string; secret: string }): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
    }),
  });
  if (!res.ok) throw new Error(`client token of ${client.id}: ${res.status} ${await res.text()}`);
  return TokenResponse.parse(await res.json()).access_token;
}
