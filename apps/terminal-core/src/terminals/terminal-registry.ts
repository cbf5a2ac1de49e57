import type { Redis } from 'ioredis';
import type { TerminalRef } from '../calls/call-record.js';

export interface RegisteredTerminal extends TerminalRef {
  node: string;
}

const NODE_TTL_SECONDS = 15;

/**
 * Which terminals are registered for which msisdn, on which node, and which calls each is in. Lives in
 * Redis so every node of the core sees the same picture; a node that stops renewing its liveness key is
 * treated as gone, together with its terminals.
 */
export class TerminalRegistry {
  /** Node liveness changes on the scale of seconds; one lookup per second per node is plenty. */
  private readonly liveness = new Map<string, { alive: boolean; checkedAt: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, 'tc', ...parts].join(':');
  }

  async register(t: RegisteredTerminal): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key('terminal', t.id), { msisdn: t.msisdn, mode: t.mode, node: t.node })
      .sadd(this.key('msisdn', t.msisdn, 'terminals'), t.id)
      .exec();
  }

  async unregister(t: TerminalRef): Promise<void> {
    await this.redis
      .multi()
      .del(this.key('terminal', t.id), this.key('terminal', t.id, 'calls'))
      .srem(this.key('msisdn', t.msisdn, 'terminals'), t.id)
      .exec();
  }

  /** Live terminals of an msisdn, with how many calls each is in. */
  async terminalsOf(msisdn: string): Promise<Array<RegisteredTerminal & { calls: number }>> {
    const ids = await this.redis.smembers(this.key('msisdn', msisdn, 'terminals'));
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) {
      pipeline.hgetall(this.key('terminal', id));
      pipeline.scard(this.key('terminal', id, 'calls'));
    }
    const results = (await pipeline.exec()) ?? [];
    const out: Array<RegisteredTerminal & { calls: number }> = [];
    const liveNodes = new Map<string, boolean>();
    for (const [i, id] of ids.entries()) {
      const fields = results[i * 2]?.[1] as Record<string, string> | undefined;
      const calls = Number(results[i * 2 + 1]?.[1] ?? 0);
      if (!fields?.node) continue;
      if (!liveNodes.has(fields.node)) liveNodes.set(fields.node, await this.isNodeAlive(fields.node));
      if (!liveNodes.get(fields.node)) continue;
      out.push({
        id,
        msisdn: fields.msisdn ?? msisdn,
        mode: fields.mode === 'pipe' ? 'pipe' : 'multi',
        node: fields.node,
        calls,
      });
    }
    return out;
  }

  async nodeOfTerminal(terminalId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key('terminal', terminalId), 'node')) ?? undefined;
  }

  async addCall(terminalId: string, callId: string): Promise<void> {
    await this.redis.sadd(this.key('terminal', terminalId, 'calls'), callId);
  }

  async removeCall(terminalId: string, callId: string): Promise<void> {
    await this.redis.srem(this.key('terminal', terminalId, 'calls'), callId);
  }

  /** Calls an msisdn takes part in (for a Pipe opening: InCall or Idle at once). */
  async activeCallsOf(msisdn: string): Promise<string[]> {
    return this.redis.smembers(this.key('msisdn', msisdn, 'calls'));
  }

  async setMsisdnInCall(msisdn: string, callId: string, inCall: boolean): Promise<void> {
    if (inCall) await this.redis.sadd(this.key('msisdn', msisdn, 'calls'), callId);
    else await this.redis.srem(this.key('msisdn', msisdn, 'calls'), callId);
  }

  async heartbeat(node: string): Promise<void> {
    await this.redis.set(this.key('node', node), '1', 'EX', NODE_TTL_SECONDS);
  }

  async isNodeAlive(node: string): Promise<boolean> {
    const cached = this.liveness.get(node);
    if (cached && Date.now() - cached.checkedAt < 1000) return cached.alive;
    const alive = (await this.redis.exists(this.key('node', node))) === 1;
    this.liveness.set(node, { alive, checkedAt: Date.now() });
    return alive;
  }

  async removeNode(node: string): Promise<void> {
    await this.redis.del(this.key('node', node));
  }
}
