import type { Redis } from 'ioredis';
import type { TerminalRef } from '../calls/call-record.js';

export interface RegisteredTerminal extends TerminalRef {
  node: string;
}

const NODE_TTL_SECONDS = 15;
/**
 * How long an msisdn's terminals are read from memory. Every change is announced to every node, which
 * drops its copy at once; this only bounds how stale a copy can get if an announcement is lost (pub/sub
 * delivers at most once, e.g. not while a node reconnects to Redis).
 */
const DIRECTORY_TTL_MS = 2000;
const DIRECTORY_CACHE = 10_000;
/** Terminal ids are never reused and a terminal never changes node, so their node can be cached. */
const NODE_OF_TERMINAL_CACHE = 10_000;

/** A directory entry: the terminal's mode and node, under its id in its msisdn's hash. */
interface DirectoryEntry {
  mode: 'pipe' | 'multi';
  node: string;
}

function parseEntry(raw: string): DirectoryEntry | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const { mode, node } = value as Record<string, unknown>;
    if (typeof node !== 'string' || (mode !== 'pipe' && mode !== 'multi')) return undefined;
    return { mode, node };
  } catch {
    return undefined;
  }
}

/**
 * Which terminals are registered for which msisdn, on which node, and which calls each Pipe is in. Lives
 * in Redis so every node of the core sees the same picture; a node that stops renewing its liveness key
 * is treated as gone, together with its terminals.
 *
 * An msisdn's terminals are one hash (id → mode and node), read once and then kept in memory until the
 * node hears it changed (`forget`): every call rings and tells an msisdn's terminals, registrations change
 * far less often. Only Pipe terminals have their calls in Redis (a Pipe's busy state is read fresh each
 * time): a MultiPipe is never busy, and the calls of this node's terminals are known in memory.
 */
export class TerminalRegistry {
  /** Node liveness changes on the scale of seconds; one lookup per second per node is plenty. */
  private readonly liveness = new Map<string, { alive: Promise<boolean>; checkedAt: number }>();
  private readonly nodeOf = new Map<string, string>();
  private readonly directories = new Map<
    string,
    { entries: Promise<Array<DirectoryEntry & { id: string }>>; readAt: number }
  >();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, 'tc', ...parts].join(':');
  }

  async register(t: RegisteredTerminal): Promise<void> {
    const entry: DirectoryEntry = { mode: t.mode, node: t.node };
    await this.redis
      .multi()
      .hset(this.key('terminal', t.id), { msisdn: t.msisdn, mode: t.mode, node: t.node })
      .hset(this.key('msisdn', t.msisdn, 'directory'), t.id, JSON.stringify(entry))
      .exec();
    this.remember(t.id, t.node);
  }

  async unregister(t: TerminalRef): Promise<void> {
    await this.redis
      .multi()
      .del(this.key('terminal', t.id), this.key('terminal', t.id, 'calls'))
      .hdel(this.key('msisdn', t.msisdn, 'directory'), t.id)
      .exec();
  }

  /** Live terminals of an msisdn, with how many calls each is in (always 0 for a MultiPipe). */
  async terminalsOf(msisdn: string): Promise<Array<RegisteredTerminal & { calls: number }>> {
    const out: Array<RegisteredTerminal & { calls: number }> = (await this.directoryOf(msisdn)).map(
      ({ id, mode, node }) => ({ id, msisdn, mode, node, calls: 0 }),
    );
    const alive = new Map<string, boolean>();
    for (const node of new Set(out.map((t) => t.node))) alive.set(node, await this.isNodeAlive(node));
    const live = out.filter((t) => alive.get(t.node));
    // Only a Pipe can be busy.
    await Promise.all(
      live
        .filter((t) => t.mode === 'pipe')
        .map(async (t) => (t.calls = await this.redis.scard(this.key('terminal', t.id, 'calls')))),
    );
    return live;
  }

  /** The msisdn's terminals changed (here or on another node): the next lookup reads Redis. */
  forget(msisdn: string): void {
    this.directories.delete(msisdn);
  }

  private directoryOf(msisdn: string): Promise<Array<DirectoryEntry & { id: string }>> {
    const cached = this.directories.get(msisdn);
    if (cached && Date.now() - cached.readAt < DIRECTORY_TTL_MS) return cached.entries;
    const entries = this.redis.hgetall(this.key('msisdn', msisdn, 'directory')).then((raw) =>
      Object.entries(raw).flatMap(([id, value]) => {
        const entry = parseEntry(value);
        if (!entry) return [];
        this.remember(id, entry.node);
        return [{ id, ...entry }];
      }),
    );
    // Kept from the moment the read is issued, so a change heard while it is under way drops it too.
    const slot = { entries, readAt: Date.now() };
    if (this.directories.size >= DIRECTORY_CACHE) {
      const oldest = this.directories.keys().next().value;
      if (oldest !== undefined) this.directories.delete(oldest);
    }
    this.directories.set(msisdn, slot);
    entries.catch(() => {
      if (this.directories.get(msisdn) === slot) this.directories.delete(msisdn);
    });
    return entries;
  }

  async nodeOfTerminal(terminalId: string): Promise<string | undefined> {
    const cached = this.nodeOf.get(terminalId);
    if (cached) return cached;
    const node = (await this.redis.hget(this.key('terminal', terminalId), 'node')) ?? undefined;
    if (node) this.remember(terminalId, node);
    return node;
  }

  /** Busy checks on any node see a Pipe's calls; a MultiPipe's are not written. */
  async addCall(terminal: TerminalRef, callId: string): Promise<void> {
    if (terminal.mode === 'pipe') await this.redis.sadd(this.key('terminal', terminal.id, 'calls'), callId);
  }

  async removeCall(terminal: TerminalRef, callId: string): Promise<void> {
    if (terminal.mode === 'pipe') await this.redis.srem(this.key('terminal', terminal.id, 'calls'), callId);
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

  /** Lookups that find the answer out of date share one read, rather than each sending its own. */
  isNodeAlive(node: string): Promise<boolean> {
    const cached = this.liveness.get(node);
    if (cached && Date.now() - cached.checkedAt < 1000) return cached.alive;
    const alive = this.redis.exists(this.key('node', node)).then((n) => n === 1);
    const entry = { alive, checkedAt: Date.now() };
    this.liveness.set(node, entry);
    alive.catch(() => {
      if (this.liveness.get(node) === entry) this.liveness.delete(node);
    });
    return alive;
  }

  async removeNode(node: string): Promise<void> {
    await this.redis.del(this.key('node', node));
  }

  private remember(terminalId: string, node: string): void {
    if (this.nodeOf.size >= NODE_OF_TERMINAL_CACHE) {
      const oldest = this.nodeOf.keys().next().value;
      if (oldest !== undefined) this.nodeOf.delete(oldest);
    }
    this.nodeOf.set(terminalId, node);
  }
}
