import { z } from 'zod';

const Port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z.object({
  PORT: Port.default(3002),
  HOST: z.string().default('0.0.0.0'),
  GRPC_PORT: Port.default(50051),
  GRPC_HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/)
    .default('parley'),
  /** Where the token issuer (the messaging service) publishes its keys. */
  JWKS_URL: z.url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('parley-messaging'),
  JWT_AUDIENCE: z.string().min(1).default('parley'),
  /** Identifies this process among the core's nodes; random when unset. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  RING_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Messages a terminal may send per second (with a burst of twice that) before RATE_LIMIT_HIT. */
  TERMINAL_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).default(20),
  PHONE_ANSWER_DELAY_MS: z.coerce.number().int().min(0).default(300),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export interface TerminalCoreConfig {
  http: { port: number; host: string };
  grpc: { port: number; host: string };
  redis: { url: string; prefix: string };
  tokens: { jwksUrl: string; issuer: string; audience: string };
  nodeId?: string;
  calls: { ringTimeoutMs: number; messagesPerSecond: number; phoneAnswerDelayMs: number };
  logLevel: string;
}

export class ConfigError extends Error {}

/** Reads the environment into a typed config; a wrong value stops the app with the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): TerminalCoreConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid terminal-core configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    http: { port: e.PORT, host: e.HOST },
    grpc: { port: e.GRPC_PORT, host: e.GRPC_HOST },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    tokens: { jwksUrl: e.JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
    nodeId: e.NODE_ID,
    calls: {
      ringTimeoutMs: e.RING_TIMEOUT_MS,
      messagesPerSecond: e.TERMINAL_MESSAGES_PER_SECOND,
      phoneAnswerDelayMs: e.PHONE_ANSWER_DELAY_MS,
    },
    logLevel: e.LOG_LEVEL,
  };
}
