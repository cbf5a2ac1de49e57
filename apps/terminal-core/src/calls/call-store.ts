import type { Redis } from 'ioredis';
import type { CallRecord } from './call-record.js';

const LIVE_CALL_TTL_SECONDS = 24 * 3600;
const ENDED_CALL_TTL_SECONDS = 3600;

/** Call records in Redis: any node finds a call's owner here; ended calls stay a while as detail records. */
export class CallStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(callId: string): string {
    return `${this.prefix}:tc:call:${callId}`;
  }

  async save(call: CallRecord): Promise<void> {
    const ttl = call.state === 'ended' ? ENDED_CALL_TTL_SECONDS : LIVE_CALL_TTL_SECONDS;
    await this.redis.set(this.key(call.id), JSON.stringify(call), 'EX', ttl);
  }

  /** Writes a new call, claiming its id; false when the id is already taken (a replayed or forged id). */
  async create(call: CallRecord): Promise<boolean> {
    const written = await this.redis.set(
      this.key(call.id),
      JSON.stringify(call),
      'EX',
      LIVE_CALL_TTL_SECONDS,
      'NX',
    );
    return written === 'OK';
  }

  async load(callId: string): Promise<CallRecord | undefined> {
    const raw = await this.redis.get(this.key(callId));
    return raw ? (JSON.parse(raw) as CallRecord) : undefined;
  }

  /**
   * Moves a call whose owner node died to `owner`. Only one surviving node wins a call (the first to set
   * the adoption key); false for the others, and for a call that is gone or no longer owned by `deadOwner`.
   */
  async adopt(callId: string, deadOwner: string, owner: string): Promise<CallRecord | undefined> {
    const won = await this.redis.set(`${this.key(callId)}:adopted`, owner, 'EX', 60, 'NX');
    if (won !== 'OK') return undefined;
    const call = await this.load(callId);
    if (!call || call.owner !== deadOwner || call.state === 'ended') return undefined;
    const adopted = { ...call, owner };
    await this.save(adopted);
    return adopted;
  }
}
