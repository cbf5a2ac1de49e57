import { z } from 'zod';
import { parseAllowedInternal } from '../outbound/internal-targets.js';
import { section } from './define-config.js';

const Port = z.coerce.number().int().min(0).max(65535);
const LogLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
const Milliseconds = z.coerce.number().int().min(0);
const Origin = z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin);

/** PORT, HOST, the CORS allowlist and the request body limit of an HTTP service. */
export const httpSection = (defaults: { port: number; bodyLimitBytes?: number }) =>
  section(
    {
      PORT: Port.default(defaults.port),
      HOST: z.string().min(1).default('0.0.0.0'),
      /**
       * Origins allowed to call the API from a browser, comma separated ("*" for any). Unset: the local
       * demo origins only. Echoing every origin back would let any page use a user's token.
       */
      CORS_ORIGINS: z
        .string()
        .default('http://localhost:3000,http://127.0.0.1:3000')
        .transform((list, ctx): '*' | string[] => {
          const items = list
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean);
          if (items.includes('*')) return '*';
          const origins: string[] = [];
          for (const item of items) {
            const parsed = Origin.safeParse(item);
            if (parsed.success) origins.push(parsed.data);
            else ctx.addIssue({ code: 'custom', message: `"${item}" is not an http(s) origin` });
          }
          return origins;
        }),
      BODY_LIMIT_BYTES: z.coerce
        .number()
        .int()
        .min(1024)
        .default(defaults.bodyLimitBytes ?? 256 * 1024),
      /** Bearer token Prometheus must send for GET /metrics; unset: /metrics is public like /health. */
      METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    },
    (e) => ({
      port: e.PORT,
      host: e.HOST,
      corsOrigins: e.CORS_ORIGINS,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      metricsToken: e.METRICS_TOKEN,
    }),
  );

/**
 * Where calls to client-registered URLs (webhooks, hooks) may go: public addresses, and the internal ones
 * (loopback, private, link-local…) listed here, comma separated: `10.0.0.0/8,127.0.0.1,hooks.internal`.
 */
export const outboundSection = () =>
  section(
    {
      OUTBOUND_ALLOWED_INTERNAL: z
        .string()
        .default('')
        .transform((value, ctx): string[] => {
          try {
            return parseAllowedInternal(value);
          } catch (err) {
            ctx.addIssue({ code: 'custom', message: (err as Error).message });
            return [];
          }
        }),
    },
    (e) => ({ allowedInternal: e.OUTBOUND_ALLOWED_INTERNAL }),
  );

/** REDIS_URL and the key prefix that keeps deployments (and test runs) apart on one Redis. */
export const redisSection = () =>
  section(
    {
      REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
      REDIS_PREFIX: z
        .string()
        .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : -')
        .default('parley'),
    },
    (e) => ({ url: e.REDIS_URL, prefix: e.REDIS_PREFIX }),
  );

/** PostgreSQL from DATABASE_URL, or embedded PGlite under PGLITE_DIR; one schema per service. */
export const databaseSection = (defaults: { schema: string; pgliteDir: string }) =>
  section(
    {
      DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
      PGLITE_DIR: z.string().min(1).default(defaults.pgliteDir),
      DB_SCHEMA: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
        .default(defaults.schema),
    },
    (e) => ({ url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR, schema: e.DB_SCHEMA }),
  );

/** How a service that does not issue tokens verifies them: the issuer's JWKS. */
export const tokenVerificationSection = () =>
  section(
    {
      JWKS_URL: z.url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
      JWT_ISSUER: z.string().min(1).default('parley-messaging'),
      JWT_AUDIENCE: z.string().min(1).default('parley'),
    },
    (e) => ({ jwksUrl: e.JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }),
  );

/** What every process has: its log level, its id among the service's nodes, how long a close may take. */
export const processSection = () =>
  section(
    {
      LOG_LEVEL: LogLevel.default('info'),
      NODE_ID: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, '1-64 letters, digits and _ . -')
        .optional(),
      SHUTDOWN_TIMEOUT_MS: Milliseconds.max(120_000).default(10_000),
    },
    (e) => ({ logLevel: e.LOG_LEVEL, nodeId: e.NODE_ID, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS }),
  );

/** Rate limits (requests per window); raise them for load tests, never turn them off in production. */
export const rateLimitSection = () =>
  section(
    {
      RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
      RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: z.coerce.number().int().min(1).default(60),
      RATE_LIMIT_SIGNUP_PER_HOUR: z.coerce.number().int().min(1).default(30),
      RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
    },
    (e) => ({
      loginPerMinutePerUser: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      loginPerMinutePerAddress: e.RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS,
      signupPerHourPerAddress: e.RATE_LIMIT_SIGNUP_PER_HOUR,
      writesPerMinutePerUser: e.RATE_LIMIT_WRITES_PER_MINUTE,
    }),
  );
