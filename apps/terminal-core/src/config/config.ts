import {
  defineConfig,
  httpSection,
  processSection,
  rateLimitSection,
  redisSection,
  section,
  tokenVerificationSection,
} from '@parley/service-kit';
import { z } from 'zod';
import { iceSection } from '../ice/ice-config.js';

const Port = z.coerce.number().int().min(0).max(65535);

/** The terminal core's environment: the shared sections plus gRPC and call handling. */
export const terminalCoreConfig = defineConfig('terminal-core', {
  http: httpSection({ port: 3002 }),
  redis: redisSection(),
  tokens: tokenVerificationSection(),
  process: processSection(),
  rateLimits: rateLimitSection(),
  ice: iceSection(),
  grpc: section({ GRPC_PORT: Port.default(50051), GRPC_HOST: z.string().min(1).default('0.0.0.0') }, (e) => ({
    port: e.GRPC_PORT,
    host: e.GRPC_HOST,
  })),
  calls: section(
    {
      RING_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
      /** Messages a terminal may send per second (with a burst of twice that) before RATE_LIMIT_HIT. */
      TERMINAL_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).default(20),
      PHONE_ANSWER_DELAY_MS: z.coerce.number().int().min(0).default(300),
    },
    (e) => ({
      ringTimeoutMs: e.RING_TIMEOUT_MS,
      messagesPerSecond: e.TERMINAL_MESSAGES_PER_SECOND,
      phoneAnswerDelayMs: e.PHONE_ANSWER_DELAY_MS,
    }),
  ),
});

export type TerminalCoreConfig = ReturnType<typeof terminalCoreConfig.load>;

/** Reads the environment into the typed config; a wrong value stops the app with the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): TerminalCoreConfig {
  return terminalCoreConfig.load(env);
}

export { ConfigError } from '@parley/service-kit';
