import { section, ConfigError } from '@parley/service-kit';
import { z } from 'zod';

const IceUrl = z
  .string()
  .regex(/^(stun|stuns|turn|turns):[^\s,]+$/i, 'must be a stun:, stuns:, turn: or turns: URL');

const urlList = (variable: string, scheme: RegExp) =>
  z
    .string()
    .default('')
    .transform((list, ctx) => {
      const urls = list
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      for (const url of urls) {
        if (!IceUrl.safeParse(url).success || !scheme.test(url))
          ctx.addIssue({ code: 'custom', message: `${variable}: "${url}" is not a ${scheme.source} URL` });
      }
      return urls;
    });

const StaticIceServers = z.array(
  z.strictObject({
    urls: z.union([IceUrl, z.array(IceUrl).min(1)]),
    username: z.string().optional(),
    credential: z.string().optional(),
  }),
);

/** Static servers from ICE_SERVERS (JSON, RTCIceServer[]), for servers with fixed credentials. */
const staticServers = z
  .string()
  .default('[]')
  .transform((text, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {urls, username?, credential?}' });
      return z.NEVER;
    }
    const parsed = StaticIceServers.safeParse(json);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: `not an RTCIceServer list: ${parsed.error.issues[0]?.message}`,
      });
      return z.NEVER;
    }
    return parsed.data.map((s) => ({ ...s, urls: Array.isArray(s.urls) ? s.urls : [s.urls] }));
  });

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  /** coturn's static-auth-secret; set whenever turnUrls is. */
  turnSecret: string | undefined;
  turnTtlSeconds: number;
  staticServers: Array<{ urls: string[]; username?: string; credential?: string }>;
}

/**
 * What browsers get from `GET /v1/ice-servers`: STUN_URLS as they are, TURN_URLS with fresh credentials
 * from TURN_SECRET (coturn `use-auth-secret`), valid TURN_TTL_SECONDS, and ICE_SERVERS verbatim.
 */
export const iceSection = () =>
  section(
    {
      STUN_URLS: urlList('STUN_URLS', /^stuns?:/i),
      TURN_URLS: urlList('TURN_URLS', /^turns?:/i),
      TURN_SECRET: z.string().min(16, 'use at least 16 characters (coturn static-auth-secret)').optional(),
      TURN_TTL_SECONDS: z.coerce
        .number()
        .int()
        .min(60)
        .max(7 * 24 * 3600)
        .default(3600),
      ICE_SERVERS: staticServers,
    },
    (e): IceConfig => {
      if (e.TURN_URLS.length > 0 && !e.TURN_SECRET)
        throw new ConfigError(
          'Invalid terminal-core configuration:\n  TURN_SECRET: required when TURN_URLS is set',
        );
      return {
        stunUrls: e.STUN_URLS,
        turnUrls: e.TURN_URLS,
        turnSecret: e.TURN_SECRET,
        turnTtlSeconds: e.TURN_TTL_SECONDS,
        staticServers: e.ICE_SERVERS,
      };
    },
  );
