import { PresenceLimits, type UserPresence } from '@parley/protocol';

export interface PresenceTrackerOptions {
  /** `GET /v1/presence` for at most 100 users. */
  fetch(userIds: string[]): Promise<UserPresence[]>;
  onChange(presence: UserPresence): void;
  onError(err: Error): void;
}

/**
 * What this device knows of other users' presence: filled by live `presence` frames and, for users asked
 * about before any frame came, by one batched REST read. Each user's value is one frozen object until it
 * changes, so a UI can compare by identity. Users the server does not answer for (no shared direct or
 * group conversation) stay `offline` with no last seen.
 */
export class PresenceTracker {
  private readonly known = new Map<string, Readonly<UserPresence>>();
  private readonly requested = new Set<string>();
  private batch = new Set<string>();
  private batchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: PresenceTrackerOptions) {}

  /** The user's presence as known now; the first call for a user fetches it (`onChange` when it arrives). */
  get(userId: string): Readonly<UserPresence> {
    let value = this.known.get(userId);
    if (!value) {
      value = Object.freeze({ userId, status: 'offline' as const, lastSeenAt: null });
      this.known.set(userId, value);
    }
    if (!this.requested.has(userId)) this.request([userId]);
    return value;
  }

  /** A live frame, or a REST answer. */
  receive(presence: UserPresence): void {
    const current = this.known.get(presence.userId);
    if (current && current.status === presence.status && current.lastSeenAt === presence.lastSeenAt) return;
    const value = Object.freeze({
      userId: presence.userId,
      status: presence.status,
      lastSeenAt: presence.lastSeenAt,
    });
    this.known.set(presence.userId, value);
    this.options.onChange(value);
  }

  /** After a reconnect frames may have been missed: read every user asked about so far again. */
  refreshAll(): void {
    this.request([...this.requested]);
  }

  async read(userIds: string[]): Promise<Readonly<UserPresence>[]> {
    const unique = [...new Set(userIds)];
    for (const id of unique) this.requested.add(id);
    for (let i = 0; i < unique.length; i += PresenceLimits.maxUsersPerRequest) {
      const answers = await this.options.fetch(unique.slice(i, i + PresenceLimits.maxUsersPerRequest));
      for (const p of answers) this.receive(p);
    }
    return unique.map((id) => this.known.get(id) ?? this.get(id));
  }

  close(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
  }

  /** Users asked about in one turn of the event loop are read in one request. */
  private request(userIds: string[]): void {
    for (const id of userIds) {
      this.requested.add(id);
      this.batch.add(id);
    }
    if (this.batch.size === 0) return;
    this.batchTimer ??= setTimeout(() => {
      this.batchTimer = undefined;
      const ids = [...this.batch];
      this.batch = new Set();
      this.read(ids).catch((err: unknown) => {
        for (const id of ids) this.requested.delete(id); // asked again on the next get()
        this.options.onError(err as Error);
      });
    }, 0);
  }
}
