import type { Redis } from 'ioredis';

/**
 * Takes a lease when the endpoint has fewer than `max` unexpired ones: expired leases (a replica that died
 * mid-delivery) are dropped first, so a crash never keeps an endpoint's slots taken for longer than a lease.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

/**
 * At most `maxConcurrency` deliveries in flight per endpoint across every replica: a sorted set of leases
 * per endpoint in Redis, each expiring after the request timeout plus a margin.
 */
export class EndpointConcurrency {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly leaseMs: number,
  ) {}

  private keyOf(endpointId: string): string {
    return `${this.prefix}:outgoing-webhooks:in-flight:${endpointId}`;
  }

  /** True when the lease was taken; the caller must `release` it. */
  async acquire(endpointId: string, lease: string, max: number): Promise<boolean> {
    const now = Date.now();
    const taken = await this.redis.eval(
      ACQUIRE,
      1,
      this.keyOf(endpointId),
      String(now),
      String(now + this.leaseMs),
      lease,
      String(max),
      String(this.leaseMs * 2),
    );
    return taken === 1;
  }

  async release(endpointId: string, lease: string): Promise<void> {
    await this.redis.zrem(this.keyOf(endpointId), lease);
  }
}
