import type { IceServersResponse } from '@parley/protocol';
import type { IceConfig } from './ice-config.js';
import { turnRestCredentials } from './turn-credentials.js';

/** The ICE servers one user gets now: STUN as configured, TURN with credentials that expire after the ttl. */
export function iceServersFor(config: IceConfig, userId: string, nowMs: number): IceServersResponse {
  const iceServers: IceServersResponse['iceServers'] = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: config.stunUrls });
  let expiresAt: number | undefined;
  if (config.turnUrls.length > 0 && config.turnSecret) {
    const turn = turnRestCredentials({
      secret: config.turnSecret,
      userId,
      ttlSeconds: config.turnTtlSeconds,
      nowSeconds: nowMs / 1000,
    });
    expiresAt = turn.expiresAt;
    iceServers.push({ urls: config.turnUrls, username: turn.username, credential: turn.credential });
  }
  iceServers.push(...config.staticServers);
  return {
    iceServers,
    ttlSeconds: expiresAt === undefined ? null : config.turnTtlSeconds,
    expiresAt: expiresAt === undefined ? null : new Date(expiresAt * 1000).toISOString(),
  };
}
