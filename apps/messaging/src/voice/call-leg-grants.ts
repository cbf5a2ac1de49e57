import type { Redis } from 'ioredis';

/** How long a user stays entitled to answer on a call a voice proxy brought them into. */
const LEG_TTL_SECONDS = 4 * 60 * 60;

/**
 * A voice proxy rings people who are not participants of the caller's conversation (an operator on a
 * customer's support line). Being signalled by the proxy on `(cid, call_id)` is what entitles them to
 * answer on it, for that call only and for a bounded time.
 */
export class CallLegGrants {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async grant(cid: string, callId: string, userId: string): Promise<void> {
    await this.redis.set(this.key(cid, callId, userId), '1', 'EX', LEG_TTL_SECONDS);
  }

  async isGranted(cid: string, callId: string, userId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(cid, callId, userId))) === 1;
  }

  private key(cid: string, callId: string, userId: string): string {
    return `${this.prefix}:voice-leg:${cid}:${callId}:${userId}`;
  }
}
