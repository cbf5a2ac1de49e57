import {
  databaseSection,
  defineConfig,
  httpSection,
  outboundSection,
  processSection,
  rateLimitSection,
  redisSection,
  section,
  tokenVerificationSection,
  ConfigError,
} from '@parley/service-kit';
import { ProviderName, VoiceIdentity } from '@parley/protocol';
import { z } from 'zod';

/**
 * A provider is configured when all its variables are set (an empty value counts as unset) and absent when
 * none is; some without the others is a mistake worth stopping for, not a provider silently missing.
 */
function allOrNone<K extends string>(provider: string, values: Record<K, string | undefined>): boolean {
  const missing = Object.entries(values)
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length === 0) return true;
  if (missing.length === Object.keys(values).length) return false;
  throw new ConfigError(
    `Invalid webhook-gateway configuration:\n  ${provider} is partly configured; also set ${missing.join(', ')}`,
  );
}

const HttpUrl = z.url({ protocol: /^https?$/ });
const WsOrHttpUrl = z.url({ protocol: /^(wss?|https?)$/ });

/** Video invites: how often and for how long a callee is rung, and how long access tokens last. */
const videoInvitesSection = section(
  {
    /** Tries per invite (the seed's 3); each is a `start` signal to the callee's devices. */
    VIDEO_INVITE_TRIES: z.coerce.number().int().min(1).max(10).default(3),
    /** All tries fall inside this window; at its end an unanswered invite is missed. */
    VIDEO_INVITE_WINDOW_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /** Lifetime of `POST /v1/video/token` tokens. */
    VIDEO_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  },
  (e) => ({
    tries: e.VIDEO_INVITE_TRIES,
    windowMs: e.VIDEO_INVITE_WINDOW_MS,
    tokenTtlSeconds: e.VIDEO_TOKEN_TTL_SECONDS,
  }),
);

/** A url-safe base64 key as `web-push generate-vapid-keys` prints it. */
const Base64UrlKey = z.string().regex(/^[A-Za-z0-9_-]+$/, 'url-safe base64 without padding');

/**
 * Web Push with VAPID (RFC 8292). The key pair comes from the environment in production; without it a
 * developer's first start generates one and keeps it in VAPID_KEY_FILE, so browsers' subscriptions (bound
 * to the public key) survive restarts.
 */
const webPushSection = section(
  {
    /** P-256 public key (65 bytes, uncompressed), url-safe base64: browsers subscribe with it. */
    VAPID_PUBLIC_KEY: Base64UrlKey.optional(),
    /** P-256 private key (32 bytes), url-safe base64. */
    VAPID_PRIVATE_KEY: Base64UrlKey.optional(),
    /** Who push services contact about this sender: a `mailto:` or `https:` URL. */
    VAPID_SUBJECT: z
      .string()
      .regex(/^(mailto:|https:\/\/)\S+$/, 'a mailto: or https: URL')
      .default('mailto:push@parley.invalid'),
    /** Where a generated key pair is kept when the two keys are not set. */
    VAPID_KEY_FILE: z.string().min(1).default('./data/keys/webhook-gateway-vapid.json'),
    /** How long a push service keeps an undelivered notification (seconds). */
    WEB_PUSH_TTL_SECONDS: z.coerce.number().int().min(0).max(2_419_200).default(86_400),
  },
  (e) => {
    if (Boolean(e.VAPID_PUBLIC_KEY) !== Boolean(e.VAPID_PRIVATE_KEY)) {
      const missing = e.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY';
      throw new ConfigError(
        `Invalid webhook-gateway configuration:\n  ${missing}: set both VAPID keys or neither`,
      );
    }
    return {
      keys:
        e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
          ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY }
          : null,
      subject: e.VAPID_SUBJECT,
      keyFile: e.VAPID_KEY_FILE,
      ttlSeconds: e.WEB_PUSH_TTL_SECONDS,
    };
  },
);

/** A comma list of delays in milliseconds, e.g. `5000,300000`. */
const DelayList = z
  .string()
  .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, 'a comma list of milliseconds')
  .transform((list) => list.split(',').map((ms) => Number(ms.trim())));

/**
 * Outgoing webhooks to customers' endpoints: the retry schedule after a failed attempt, the request timeout,
 * the per-endpoint wait when its concurrency is full, the rotation overlap and when sustained failure
 * disables an endpoint.
 */
const outgoingWebhooksSection = section(
  {
    /** Delay before each retry; after the last one fails the delivery is dead (5 s … 10 h: about a day). */
    OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS: DelayList.default([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000,
    ]),
    /** How long one attempt may take before it counts as failed. */
    OUTGOING_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** The wait before trying again when the endpoint already has maxConcurrency deliveries in flight. */
    OUTGOING_WEBHOOK_BUSY_RETRY_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
    /** After a rotation the previous secret keeps signing (both signatures sent) for this long. */
    OUTGOING_WEBHOOK_SECRET_OVERLAP_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(30 * 86_400_000)
      .default(86_400_000),
    /** An endpoint is disabled after this many failed attempts in a row … */
    OUTGOING_WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
    /** … once it has also been failing for this long without a single success. */
    /**
     * 32 bytes in base64 (`openssl rand -base64 32`): endpoints' signing secrets are kept encrypted with it.
     * Unset: kept as they are (a warning at start).
     */
    OUTGOING_WEBHOOK_SECRETS_KEY: z
      .string()
      .refine((key) => /^[A-Za-z0-9+/]+={0,2}$/.test(key) && Buffer.from(key, 'base64').length === 32, {
        message: '32 bytes in base64',
      })
      .optional(),
    OUTGOING_WEBHOOK_DISABLE_AFTER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(30 * 86_400_000)
      .default(3 * 86_400_000),
  },
  (e) => ({
    retryScheduleMs: e.OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS,
    timeoutMs: e.OUTGOING_WEBHOOK_TIMEOUT_MS,
    busyRetryMs: e.OUTGOING_WEBHOOK_BUSY_RETRY_MS,
    secretOverlapMs: e.OUTGOING_WEBHOOK_SECRET_OVERLAP_MS,
    secretsKey: e.OUTGOING_WEBHOOK_SECRETS_KEY ? Buffer.from(e.OUTGOING_WEBHOOK_SECRETS_KEY, 'base64') : null,
    disableAfter: {
      failures: e.OUTGOING_WEBHOOK_DISABLE_AFTER_FAILURES,
      failingForMs: e.OUTGOING_WEBHOOK_DISABLE_AFTER_MS,
    },
  }),
);

/**
 * The gateway's environment: the shared sections, its messaging identity, webhooks, the providers, video
 * invites and Web Push.
 */
export const webhookGatewayConfig = defineConfig('webhook-gateway', {
  http: httpSection({ port: 3004 }),
  database: databaseSection({ schema: 'webhook_gateway', pgliteDir: './data/webhook-gateway' }),
  redis: redisSection(),
  tokens: tokenVerificationSection(),
  process: processSection(),
  rateLimits: rateLimitSection(),
  outbound: outboundSection(),
  messaging: section(
    {
      /** Where conversations are checked (as the caller) and the gateway's own token comes from. */
      MESSAGING_URL: HttpUrl.default('http://127.0.0.1:3001'),
      /** The gateway's OAuth client at messaging: `voice.proxy` lets it signal anyone (video invites). */
      WEBHOOK_GATEWAY_CLIENT_ID: VoiceIdentity.default('webhook-gateway'),
      WEBHOOK_GATEWAY_CLIENT_SECRET: z.string().min(16, 'at least 16 characters'),
    },
    (e) => ({
      url: e.MESSAGING_URL.replace(/\/+$/, ''),
      clientId: e.WEBHOOK_GATEWAY_CLIENT_ID,
      clientSecret: e.WEBHOOK_GATEWAY_CLIENT_SECRET,
    }),
  ),
  webhooks: section(
    {
      /** How old (or how far in the future) a signed webhook's timestamp may be. */
      WEBHOOK_REPLAY_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
      /** The public base URL providers call (Twilio signs the full URL it called). */
      GATEWAY_PUBLIC_URL: HttpUrl.default('http://localhost:3004'),
      /** Bodies of provider webhooks larger than this are refused with 413 before they are verified. */
      WEBHOOK_BODY_LIMIT_BYTES: z.coerce
        .number()
        .int()
        .min(1024)
        .max(4 * 1024 * 1024)
        .default(256 * 1024),
    },
    (e) => ({
      replayWindowSeconds: e.WEBHOOK_REPLAY_WINDOW_SECONDS,
      publicUrl: e.GATEWAY_PUBLIC_URL.replace(/\/+$/, ''),
      bodyLimitBytes: e.WEBHOOK_BODY_LIMIT_BYTES,
    }),
  ),
  providers: section(
    {
      /** The provider of `POST /v1/calls` when the request names none. */
      DEFAULT_PROVIDER: ProviderName.default('parley'),
      /** Standard Webhooks secret (`whsec_…`) of the built-in provider's webhooks; unset: they are refused. */
      PARLEY_PROVIDER_WEBHOOK_SECRET: z
        .string()
        .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'a whsec_… secret (base64 after the prefix)')
        .optional(),
      /** Signs the built-in provider's access tokens; unset: a random key per process (tokens die with it). */
      PARLEY_PROVIDER_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').optional(),
      TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
      TWILIO_API_KEY: z.string().min(1).optional(),
      TWILIO_API_SECRET: z.string().min(1).optional(),
      TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
      TWILIO_API_BASE_URL: HttpUrl.default('https://video.twilio.com'),
      LIVEKIT_URL: WsOrHttpUrl.optional(),
      LIVEKIT_API_KEY: z.string().min(1).optional(),
      LIVEKIT_API_SECRET: z.string().min(1).optional(),
    },
    (e) => {
      const twilioSet = allOrNone('Twilio', {
        TWILIO_ACCOUNT_SID: e.TWILIO_ACCOUNT_SID,
        TWILIO_API_KEY: e.TWILIO_API_KEY,
        TWILIO_API_SECRET: e.TWILIO_API_SECRET,
        TWILIO_AUTH_TOKEN: e.TWILIO_AUTH_TOKEN,
      });
      const livekitSet = allOrNone('LiveKit', {
        LIVEKIT_URL: e.LIVEKIT_URL,
        LIVEKIT_API_KEY: e.LIVEKIT_API_KEY,
        LIVEKIT_API_SECRET: e.LIVEKIT_API_SECRET,
      });
      return {
        defaultProvider: e.DEFAULT_PROVIDER,
        parley: {
          webhookSecret: e.PARLEY_PROVIDER_WEBHOOK_SECRET,
          tokenSecret: e.PARLEY_PROVIDER_TOKEN_SECRET,
        },
        /** Null unless every Twilio variable is set. */
        twilio: twilioSet
          ? {
              accountSid: e.TWILIO_ACCOUNT_SID!,
              apiKey: e.TWILIO_API_KEY!,
              apiSecret: e.TWILIO_API_SECRET!,
              authToken: e.TWILIO_AUTH_TOKEN!,
              apiBaseUrl: e.TWILIO_API_BASE_URL.replace(/\/+$/, ''),
            }
          : null,
        /** Null unless every LiveKit variable is set. */
        livekit: livekitSet
          ? { url: e.LIVEKIT_URL!, apiKey: e.LIVEKIT_API_KEY!, apiSecret: e.LIVEKIT_API_SECRET! }
          : null,
      };
    },
  ),
  video: videoInvitesSection,
  push: webPushSection,
  outgoingWebhooks: outgoingWebhooksSection,
});

export type WebhookGatewayConfig = ReturnType<typeof webhookGatewayConfig.load>;
export type ProvidersConfig = WebhookGatewayConfig['providers'];
export type VideoInvitesConfig = WebhookGatewayConfig['video'];
export type WebPushConfig = WebhookGatewayConfig['push'];
export type OutgoingWebhooksConfig = WebhookGatewayConfig['outgoingWebhooks'];

/** Reads the environment into the typed config; a wrong value stops the app with the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): WebhookGatewayConfig {
  return webhookGatewayConfig.load(env);
}

export { ConfigError } from '@parley/service-kit';
