import type { PresenceStatus, UserPresence } from '@parley/protocol';
import type { Redis } from 'ioredis';
import { presenceOf } from './presence-status.js';

export type DeviceChange = 'connect' | 'refresh' | 'active' | 'away' | 'disconnect' | 'expire';

export interface PresenceChange {
  presence: UserPresence;
  /** The user's status differs from the last one any node announced. */
  changed: boolean;
}

/**
 * Applies one device change and re-derives the user's status atomically, so two nodes changing one user's
 * devices at once agree on which of them saw the status change (and announces it).
 *
 * Keys: devices = zset session -> expiry (ms), away = the subset that is away, state = hash {status,
 * lastSeenAt}, expiries = one zset for every device of every user ("user|session" -> expiry) that any
 * node sweeps, so a crashed node's devices still expire and are announced.
 */
const APPLY_CHANGE = `
local devices, away, state, expiries = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, op, session, expiresAt, member = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local ttl, stateTtl = tonumber(ARGV[6]), tonumber(ARGV[7])
if op == 'connect' or op == 'refresh' or op == 'active' or op == 'away' then
  redis.call('ZADD', devices, expiresAt, session)
  redis.call('ZADD', expiries, expiresAt, member)
  if op == 'away' or (op ~= 'active' and redis.call('ZSCORE', away, session)) then
    redis.call('ZADD', away, expiresAt, session)
  end
  if op == 'active' then redis.call('ZREM', away, session) end
elseif op == 'disconnect' then
  redis.call('ZREM', devices, session)
  redis.call('ZREM', away, session)
  redis.call('ZREM', expiries, member)
end
redis.call('ZREMRANGEBYSCORE', devices, '-inf', now)
redis.call('ZREMRANGEBYSCORE', away, '-inf', now)
local live = redis.call('ZCARD', devices)
local awayCount = redis.call('ZCARD', away)
local status = 'offline'
if live > 0 then
  if awayCount >= live then status = 'away' else status = 'online' end
  redis.call('PEXPIRE', devices, ttl)
  redis.call('PEXPIRE', away, ttl)
end
local previous = redis.call('HGET', state, 'status') or 'offline'
if status ~= 'offline' or (previous ~= 'offline' and op == 'disconnect') then
  redis.call('HSET', state, 'lastSeenAt', ARGV[1])
end
redis.call('HSET', state, 'status', status)
redis.call('EXPIRE', state, stateTtl)
local lastSeen = redis.call('HGET', state, 'lastSeenAt') or ''
if previous == status then return {status, lastSeen, 0} end
return {status, lastSeen, 1}
`;

/** "Last seen" outlives the devices by far: kept 90 days after the last change. */
const STATE_TTL_SECONDS = 90 * 86_400;

export class PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly deviceTtlMs: number,
  ) {
    redis.defineCommand('parleyPresenceApply', { numberOfKeys: 4, lua: APPLY_CHANGE });
  }

  async apply(
    userId: string,
    sessionId: string,
    op: DeviceChange,
    now = Date.now(),
  ): Promise<PresenceChange> {
    const apply = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)
      .parleyPresenceApply!;
    const [status, lastSeen, changed] = (await apply.call(
      this.redis,
      this.key('devices', userId),
      this.key('away', userId),
      this.key('state', userId),
      this.key('expiries'),
      now,
      op,
      sessionId,
      now + this.deviceTtlMs,
      `${userId}|${sessionId}`,
      this.deviceTtlMs,
      STATE_TTL_SECONDS,
    )) as [PresenceStatus, string, number];
    return { presence: { userId, status, lastSeenAt: toIso(lastSeen) }, changed: changed === 1 };
  }

  /** Devices past their expiry on any node; each is claimed by one sweeping node only (ZREM wins once). */
  async claimExpired(now = Date.now(), max = 200): Promise<Array<{ userId: string; sessionId: string }>> {
    const members = await this.redis.zrangebyscore(this.key('expiries'), '-inf', now, 'LIMIT', 0, max);
    const claimed: Array<{ userId: string; sessionId: string }> = [];
    for (const member of members) {
      if ((await this.redis.zrem(this.key('expiries'), member)) !== 1) continue;
      const [userId, sessionId] = member.split('|');
      if (userId && sessionId) claimed.push({ userId, sessionId });
    }
    return claimed;
  }

  /** Read-only: what each user's status is now (expired devices do not count even before a sweep). */
  async read(userIds: string[], now = Date.now()): Promise<UserPresence[]> {
    if (userIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of userIds) {
      pipeline.zcount(this.key('devices', id), `(${now}`, '+inf');
      pipeline.zcount(this.key('away', id), `(${now}`, '+inf');
      pipeline.hget(this.key('state', id), 'lastSeenAt');
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    return userIds.map((userId, i) => {
      const live = Number(results[i * 3]?.[1] ?? 0);
      const away = Number(results[i * 3 + 1]?.[1] ?? 0);
      const lastSeen = results[i * 3 + 2]?.[1] as string | null | undefined;
      const status = presenceOf(live, away);
      return {
        userId,
        status,
        lastSeenAt: status === 'offline' ? toIso(lastSeen ?? '') : new Date(now).toISOString(),
      };
    });
  }

  private key(kind: string, userId?: string): string {
    return userId ? `${this.prefix}:presence:${kind}:${userId}` : `${this.prefix}:presence:${kind}`;
  }
}

function toIso(ms: string): string | null {
  const n = Number(ms);
  return ms && Number.isFinite(n) ? new Date(n).toISOString() : null;
}
