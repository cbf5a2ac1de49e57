import {
  databaseSection,
  defineConfig,
  httpSection,
  jsonVariable,
  outboundSection,
  processSection,
  rateLimitSection,
  redisSection,
  section,
} from '@parley/service-kit';
import { MessagingLimits } from '@parley/protocol';
import { z } from 'zod';
import { attachmentsSection } from '../attachments/attachment-config.js';

const OAuthClientSeed = z.array(
  z.strictObject({
    id: z.string().min(1).max(128),
    secret: z.string().min(16),
    name: z.string().optional(),
    scopes: z.array(z.string().min(1)).min(1),
  }),
);
export type OAuthClientSeed = z.infer<typeof OAuthClientSeed>[number];

/** The messaging service's environment: the shared sections plus what only the token issuer and chat need. */
export const messagingConfig = defineConfig('messaging', {
  http: httpSection({ port: 3001, bodyLimitBytes: MessagingLimits.maxRequestBodyBytes }),
  database: databaseSection({ schema: 'messaging', pgliteDir: './data/messaging' }),
  redis: redisSection(),
  process: processSection(),
  rateLimits: rateLimitSection(),
  outbound: outboundSection(),
  tokens: section(
    {
      JWT_ISSUER: z.string().min(1).default('parley-messaging'),
      JWT_AUDIENCE: z.string().min(1).default('parley'),
      /** Private signing key as a JWK (JSON). Without it a key is generated once and kept in JWT_KEY_FILE. */
      JWT_PRIVATE_JWK: z.string().optional(),
      JWT_KEY_FILE: z.string().default('./data/keys/messaging-signing-key.json'),
      ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
      REFRESH_TOKEN_TTL_SECONDS: z.coerce
        .number()
        .int()
        .min(60)
        .default(30 * 86_400),
    },
    (e) => ({
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      privateJwk: e.JWT_PRIVATE_JWK,
      keyFile: e.JWT_KEY_FILE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    }),
  ),
  identity: section(
    {
      /** Machine clients as JSON: [{"id":"voice-proxy","secret":"...","scopes":["voice.proxy"]}]. */
      OAUTH_CLIENTS: jsonVariable(OAuthClientSeed).optional(),
      /** Demo users created at start-up when set to "true" (documented in the README). */
      SEED_DEMO_USERS: z.enum(['true', 'false']).default('false'),
      /** `fast-test` makes password hashes cheap for test suites and benchmarks; never use it in production. */
      PASSWORD_HASH_PROFILE: z.enum(['standard', 'fast-test']).default('standard'),
      /** How long a machine client's old secret keeps working after a rotation through the admin API. */
      CLIENT_SECRET_ROTATION_OVERLAP_SECONDS: z.coerce
        .number()
        .int()
        .min(0)
        .max(30 * 86_400)
        .default(3600),
    },
    (e) => ({
      oauthClients: e.OAUTH_CLIENTS ?? [],
      seedDemoUsers: e.SEED_DEMO_USERS === 'true',
      passwordHashProfile: e.PASSWORD_HASH_PROFILE,
      clientSecretRotationOverlapSeconds: e.CLIENT_SECRET_ROTATION_OVERLAP_SECONDS,
    }),
  ),
  outbox: section({ OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000) }, (e) => ({
    pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
  })),
  sends: section(
    {
      /**
       * Send transactions committing side by side on PostgreSQL (PGlite has one connection: always one).
       * Each lane commits every send waiting in it as one batch, so fewer lanes batch more: one lane measured
       * fastest with PostgreSQL on the same 2-CPU machine. More help when PostgreSQL has cores of its own.
       */
      SEND_COMMIT_LANES: z.coerce.number().int().min(1).max(64).default(1),
    },
    (e) => ({ commitLanes: e.SEND_COMMIT_LANES }),
  ),
  attachments: attachmentsSection(),
  realtime: section({ WS_PING_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000) }, (e) => ({
    pingIntervalMs: e.WS_PING_INTERVAL_MS,
  })),
  preSendHooks: section(
    {
      /**
       * How long a node keeps the hook table in memory. A change made on this node applies at once; other
       * nodes see it within this time.
       */
      PRE_SEND_HOOK_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(5000),
    },
    (e) => ({ cacheTtlMs: e.PRE_SEND_HOOK_CACHE_TTL_MS }),
  ),
  guests: section(
    {
      /** Lifetime of a guest's access token; guests get no refresh token, the widget asks again. */
      GUEST_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
      /** Usernames of the support operators, comma separated (the same list as the voice proxy's). */
      SUPPORT_OPERATORS: z
        .string()
        .default('')
        .transform((list) =>
          list
            .split(',')
            .map((name) => name.trim().toLowerCase())
            .filter((name) => name.length > 0),
        ),
      /** How long an operator has to accept an assigned desk conversation before it is reassigned. */
      DESK_ACCEPT_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
      /** How often waiting desk conversations are offered to operators who became available since. */
      DESK_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
    },
    (e) => ({
      tokenTtlSeconds: e.GUEST_TOKEN_TTL_SECONDS,
      supportOperators: e.SUPPORT_OPERATORS,
      deskAcceptTimeoutMs: e.DESK_ACCEPT_TIMEOUT_MS,
      deskSweepIntervalMs: e.DESK_SWEEP_INTERVAL_MS,
    }),
  ),
});

export type MessagingConfig = ReturnType<typeof messagingConfig.load>;

/** Reads the environment into the typed config; a wrong value stops the app with the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): MessagingConfig {
  return messagingConfig.load(env);
}

export { ConfigError } from '@parley/service-kit';
export const MESSAGING_CONFIG = Symbol('MESSAGING_CONFIG');
