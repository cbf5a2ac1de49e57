import type { OperatorAvailability } from '@parley/protocol';
import type { Redis } from 'ioredis';

/** An operator handed a call or a chat. */
export interface OperatorChoice {
  id: string;
  displayName: string;
}

/**
 * Support operators' availability in Redis, one roster for the voice proxy's calls and messaging's
 * chats (both services run with the deployment's REDIS_PREFIX, so they read and write the same keys):
 * - `<p>:desk:idle`         sorted set of available operators not in a call, scored by when they became idle;
 * - `<p>:desk:op:<id>`      hash: available ("1"/"0"), display name, `chats` (open chats assigned to them);
 * - `<p>:desk:op:<id>:call` the call an operator is rung for or talking in (the in-call marker).
 * Claims and releases are Lua scripts, so two replicas (or two services) never double-book an operator.
 * A call needs an operator who is in no call; chats are not exclusive, so a chat goes to the available
 * operator not in a call with the fewest open chats, the longest idle among equals.
 */
export class OperatorRoster {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.base = `${prefix}:desk`;
  }

  private get idleKey() {
    return `${this.base}:idle`;
  }
  private operatorKey(id: string) {
    return `${this.base}:op:${id}`;
  }
  private callKey(id: string) {
    return `${this.base}:op:${id}:call`;
  }

  /** Takes the longest-idle available operator not in `exclude` for `callRowId`; undefined when none is. */
  async claimLongestIdle(callRowId: string, exclude: readonly string[]): Promise<OperatorChoice | undefined> {
    const result = (await this.redis.eval(
      CLAIM_CALL_SCRIPT,
      1,
      this.idleKey,
      `${this.base}:op:`,
      callRowId,
      ...exclude,
    )) as [string, string] | null;
    if (!result) return undefined;
    return { id: result[0], displayName: result[1] || 'Support' };
  }

  /**
   * The operator leaves `callRowId`: back to the idle queue (at its end) if still available, or out of
   * the queue altogether when they turned out to be offline. Doing it twice changes nothing.
   */
  async release(operatorId: string, callRowId: string, offline: boolean): Promise<void> {
    await this.redis.eval(
      RELEASE_CALL_SCRIPT,
      3,
      this.idleKey,
      this.operatorKey(operatorId),
      this.callKey(operatorId),
      callRowId,
      String(this.now()),
      offline ? '1' : '0',
      operatorId,
    );
  }

  /**
   * Picks, among `candidates` (the operators allowed to take chats), the available one not in a call with
   * the fewest open chats, the longest idle among equals, and counts one more open chat for them.
   */
  async claimForChat(
    candidates: readonly string[],
    exclude: readonly string[] = [],
  ): Promise<OperatorChoice | undefined> {
    const skip = new Set(exclude);
    const allowed = candidates.filter((id) => !skip.has(id));
    if (allowed.length === 0) return undefined;
    const result = (await this.redis.eval(
      CLAIM_CHAT_SCRIPT,
      1,
      this.idleKey,
      `${this.base}:op:`,
      ...allowed,
    )) as [string, string] | null;
    if (!result) return undefined;
    return { id: result[0], displayName: result[1] || 'Support' };
  }

  /** One open chat fewer for the operator (never below zero). */
  async releaseChat(operatorId: string): Promise<void> {
    await this.redis.eval(RELEASE_CHAT_SCRIPT, 1, this.operatorKey(operatorId));
  }

  /** How many open chats the roster counts for the operator. */
  async openChats(operatorId: string): Promise<number> {
    return Number((await this.redis.hget(this.operatorKey(operatorId), 'chats')) ?? 0);
  }

  async setAvailable(operatorId: string, displayName: string): Promise<OperatorAvailability> {
    await this.redis.eval(
      AVAILABLE_SCRIPT,
      3,
      this.idleKey,
      this.operatorKey(operatorId),
      this.callKey(operatorId),
      operatorId,
      displayName,
      String(this.now()),
    );
    return this.availability(operatorId);
  }

  async setUnavailable(operatorId: string): Promise<OperatorAvailability> {
    await this.redis
      .multi()
      .hset(this.operatorKey(operatorId), 'available', '0')
      .zrem(this.idleKey, operatorId)
      .exec();
    return this.availability(operatorId);
  }

  async availability(operatorId: string): Promise<OperatorAvailability> {
    const [[, available], [, inCall], [, score]] = (await this.redis
      .multi()
      .hget(this.operatorKey(operatorId), 'available')
      .exists(this.callKey(operatorId))
      .zscore(this.idleKey, operatorId)
      .exec()) as [[unknown, string | null], [unknown, number], [unknown, string | null]];
    return {
      available: available === '1',
      inCall: inCall === 1,
      idleSince: score === null ? null : new Date(Number(score)).toISOString(),
    };
  }
}

// KEYS[1] idle set; ARGV[1] operator key prefix, ARGV[2] call row id, ARGV[3..] operators to skip.
const CLAIM_CALL_SCRIPT = `
local skip = {}
for i = 3, #ARGV do skip[ARGV[i]] = true end
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if not skip[id] and redis.call('EXISTS', ARGV[1] .. id .. ':call') == 0 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('SET', ARGV[1] .. id .. ':call', ARGV[2])
    local name = redis.call('HGET', ARGV[1] .. id, 'name')
    return {id, name or ''}
  end
end
return nil
`;

// KEYS[1] idle set; ARGV[1] operator key prefix, ARGV[2..] operators allowed. The idle set is ordered by
// idle-since, so the first operator with the fewest chats is the longest idle among the least busy.
const CLAIM_CHAT_SCRIPT = `
local allowed = {}
for i = 2, #ARGV do allowed[ARGV[i]] = true end
local best, bestChats = nil, nil
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if allowed[id] and redis.call('EXISTS', ARGV[1] .. id .. ':call') == 0 then
    local chats = tonumber(redis.call('HGET', ARGV[1] .. id, 'chats') or '0')
    if bestChats == nil or chats < bestChats then best, bestChats = id, chats end
  end
end
if best == nil then return nil end
redis.call('HINCRBY', ARGV[1] .. best, 'chats', 1)
local name = redis.call('HGET', ARGV[1] .. best, 'name')
return {best, name or ''}
`;

// KEYS[1] operator hash.
const RELEASE_CHAT_SCRIPT = `
local chats = tonumber(redis.call('HGET', KEYS[1], 'chats') or '0')
if chats > 0 then redis.call('HINCRBY', KEYS[1], 'chats', -1) end
return 1
`;

// KEYS[1] idle set, KEYS[2] operator hash, KEYS[3] in-call marker; ARGV: call row id, now, offline, id.
const RELEASE_CALL_SCRIPT = `
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[2], 'available', '0')
  redis.call('ZREM', KEYS[1], ARGV[4])
  return 0
end
if redis.call('EXISTS', KEYS[3]) == 0 and redis.call('HGET', KEYS[2], 'available') == '1' then
  redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[4])
end
return 1
`;

// KEYS[1] idle set, KEYS[2] operator hash, KEYS[3] in-call marker; ARGV: id, display name, now.
const AVAILABLE_SCRIPT = `
redis.call('HSET', KEYS[2], 'available', '1', 'name', ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[1])
end
return 1
`;
