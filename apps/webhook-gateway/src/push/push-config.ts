import { ConfigError, section } from '@parley/service-kit';
import { z } from 'zod';

/** A url-safe base64 key as `web-push generate-vapid-keys` prints it. */
const Base64UrlKey = z.string().regex(/^[A-Za-z0-9_-]+$/, 'url-safe base64 without padding');

/**
 * Web Push with VAPID (RFC 8292). The key pair comes from the environment in production; without it a
 * developer's first start generates one and keeps it in VAPID_KEY_FILE, so browsers' subscriptions (bound
 * to the public key) survive restarts.
 */
export const webPushSection = section(
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

export type WebPushConfig = ReturnType<typeof webPushSection.read>;
