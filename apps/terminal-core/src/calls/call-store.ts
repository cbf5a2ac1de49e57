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

  /** Reserves a new call id for `owner`; false when the id is already taken (a replayed or forged id). */
  async claim(callId: string, owner: string): Promise<boolean> {
    const placeholder = JSON.stringify({ id: callId, owner, state: 'ringing' });
    return (await this.redis.set(this.key(callId), placeholder, 'EX', 60, 'NX')) === 'OK';
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

  async release(callId: string): Promise<void> {
    await this.redis.del(this.key(callId));
  }
}
