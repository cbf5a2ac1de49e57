import type { Redis } from 'ioredis';

/** Long enough to cover a client's retries of one send, short enough to keep Redis small. */
const REMEMBER_SECONDS = 10 * 60;

/**
 * The signal ids each issuer has sent recently, with whether a connection received them live. The first
 * send of an id claims it; a retry finds the claim and the outcome instead of ringing the recipient again.
 * A claim whose outcome never got recorded (the node died in between) delivers again: better a repeat,
 * which the SDK drops by id, than a lost signal.
 */
export class SentSignals {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(
    issKind: string,
    iss: string,
    id: string,
  ): Promise<'claimed' | { delivered: boolean | undefined }> {
    const key = this.key(issKind, iss, id);
    const claimed = await this.redis.set(key, 'pending', 'EX', REMEMBER_SECONDS, 'NX');
    if (claimed === 'OK') return 'claimed';
    const outcome = await this.redis.get(key);
    return { delivered: outcome === 'delivered' ? true : outcome === 'undelivered' ? false : undefined };
  }

  async settle(issKind: string, iss: string, id: string, delivered: boolean): Promise<void> {
    await this.redis.set(
      this.key(issKind, iss, id),
      delivered ? 'delivered' : 'undelivered',
      'EX',
      REMEMBER_SECONDS,
    );
  }

  private key(issKind: string, iss: string, id: string): string {
    return `${this.prefix}:voice-sent:${issKind}:${iss}:${id}`;
  }
}
