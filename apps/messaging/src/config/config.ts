import { z } from 'zod';

const Port = z.coerce.number().int().min(0).max(65535);

/** Environment of the messaging service, validated once at boot. */
const EnvSchema = z.object({
  PORT: Port.default(3001),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PGLITE_DIR: z.string().default('./data/messaging'),
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('messaging'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/)
    .default('parley'),
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
  /** Machine clients as JSON: [{"id":"voice-proxy","secret":"...","scopes":["voice.proxy"]}]. */
  OAUTH_CLIENTS: z.string().optional(),
  /** Demo users created at start-up when set to "true" (documented in the README). */
  SEED_DEMO_USERS: z.enum(['true', 'false']).default('false'),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  WS_PING_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /** `fast-test` makes password hashes cheap for test suites and benchmarks; never use it in production. */
  PASSWORD_HASH_PROFILE: z.enum(['standard', 'fast-test']).default('standard'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

const OAuthClientSeed = z.array(
  z.strictObject({
    id: z.string().min(1).max(128),
    secret: z.string().min(16),
    name: z.string().optional(),
    scopes: z.array(z.string().min(1)).min(1),
  }),
);
export type OAuthClientSeed = z.infer<typeof OAuthClientSeed>[number];

export interface MessagingConfig {
  http: { port: number; host: string };
  database: { url?: string; pgliteDir: string; schema: string };
  redis: { url: string; prefix: string };
  tokens: {
    issuer: string;
    audience: string;
    privateJwk?: string;
    keyFile: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
  };
  oauthClients: OAuthClientSeed[];
  seedDemoUsers: boolean;
  outbox: { pollIntervalMs: number };
  realtime: { pingIntervalMs: number };
  passwordHashProfile: 'standard' | 'fast-test';
  logLevel: string;
}

export class ConfigError extends Error {}

/** Reads the environment into a typed config; a wrong value stops the app with the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): MessagingConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid messaging configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let oauthClients: OAuthClientSeed[] = [];
  if (e.OAUTH_CLIENTS) {
    let json: unknown;
    try {
      json = JSON.parse(e.OAUTH_CLIENTS);
    } catch {
      throw new ConfigError('Invalid messaging configuration:\n  OAUTH_CLIENTS: not valid JSON');
    }
    const clients = OAuthClientSeed.safeParse(json);
    if (!clients.success) {
      const lines = clients.error.issues.map((i) => `  OAUTH_CLIENTS.${i.path.join('.')}: ${i.message}`);
      throw new ConfigError(`Invalid messaging configuration:\n${lines.join('\n')}`);
    }
    oauthClients = clients.data;
  }
  return {
    http: { port: e.PORT, host: e.HOST },
    database: { url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR, schema: e.DB_SCHEMA },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    tokens: {
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      privateJwk: e.JWT_PRIVATE_JWK,
      keyFile: e.JWT_KEY_FILE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    },
    oauthClients,
    seedDemoUsers: e.SEED_DEMO_USERS === 'true',
    outbox: { pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS },
    realtime: { pingIntervalMs: e.WS_PING_INTERVAL_MS },
    passwordHashProfile: e.PASSWORD_HASH_PROFILE,
    logLevel: e.LOG_LEVEL,
  };
}

export const MESSAGING_CONFIG = Symbol('MESSAGING_CONFIG');
