import {
  databaseSection,
  defineConfig,
  httpSection,
  processSection,
  rateLimitSection,
  redisSection,
  section,
  tokenVerificationSection,
} from '@parley/service-kit';
import { VoiceIdentity } from '@parley/protocol';
import { z } from 'zod';

/** SUPPORT_OPERATORS: usernames, comma separated; blanks are ignored. */
const UsernameList = z
  .string()
  .default('')
  .transform((list) =>
    list
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );

/** The voice proxy's environment: the shared sections plus its messaging identity and call handling. */
export const voiceProxyConfig = defineConfig('voice-proxy', {
  http: httpSection({ port: 3003 }),
  database: databaseSection({ schema: 'voice_proxy', pgliteDir: './data/voice-proxy' }),
  redis: redisSection(),
  tokens: tokenVerificationSection(),
  process: processSection(),
  rateLimits: rateLimitSection(),
  messaging: section(
    {
      /** Where signals are sent, the proxy's tokens come from, and operators' display names are read. */
      MESSAGING_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3001'),
      /** The proxy's OAuth client at messaging; also the "line" customers call. */
      VOICE_PROXY_CLIENT_ID: VoiceIdentity.default('voice-proxy'),
      VOICE_PROXY_CLIENT_SECRET: z.string().min(16, 'at least 16 characters'),
    },
    (e) => ({
      url: e.MESSAGING_URL.replace(/\/+$/, ''),
      clientId: e.VOICE_PROXY_CLIENT_ID,
      clientSecret: e.VOICE_PROXY_CLIENT_SECRET,
    }),
  ),
  calls: section(
    {
      VOICE_RING_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
      SUPPORT_OPERATORS: UsernameList,
      /** How often pending outgoing signals left by a failed send or a crash are tried again. */
      VOICE_EFFECT_RETRY_INTERVAL_MS: z.coerce.number().int().min(50).default(2000),
    },
    (e) => ({
      ringTimeoutMs: e.VOICE_RING_TIMEOUT_MS,
      operatorUsernames: e.SUPPORT_OPERATORS,
      effectRetryIntervalMs: e.VOICE_EFFECT_RETRY_INTERVAL_MS,
    }),
  ),
});

export type VoiceProxyConfig = ReturnType<typeof voiceProxyConfig.load>;

/** Reads the environment into the typed config; a wrong value stops the app with the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): VoiceProxyConfig {
  return voiceProxyConfig.load(env);
}

export { ConfigError } from '@parley/service-kit';
