import type { ServerFrame, UserPresence } from '@parley/protocol';
import { GroupCommit, type ItemOutcome } from '../event-log/group-commit.js';
import { encodeFrameToUsers } from '../realtime/frames-to-users.js';

/** Users whose changes one batch announces at most. */
const MAX_BATCH = 500;

export interface PresenceAnnouncerPorts {
  /** Everyone who should hear about each user's status (no entry: nobody). */
  audiencesOf(userIds: string[]): Promise<Map<string, string[]>>;
  /** Publishes frames-to-users messages, each to every messaging node. */
  publish(messages: string[]): Promise<void>;
}

/**
 * Announces status changes to everyone who shares a conversation with the user, in batches: one batch at a
 * time per node, and the changes that arrive meanwhile go together into the next, where a user's latest
 * status stands for the ones before it. A batch is one query for all its users' audiences and one publish
 * per user, whatever the audience. A storm of reconnecting devices thus costs a few queries instead of one
 * per device, and never takes the database pool away from the requests.
 */
export class PresenceAnnouncer {
  private readonly batches: GroupCommit<UserPresence, void>;

  constructor(private readonly ports: PresenceAnnouncerPorts) {
    this.batches = new GroupCommit((_key, items) => this.announceBatch(items), MAX_BATCH);
  }

  /** Resolves once the change was published; rejects with what failed the batch it was in. */
  announce(presence: UserPresence): Promise<void> {
    return this.batches.submit('presence', presence);
  }

  private async announceBatch(changes: UserPresence[]): Promise<ItemOutcome<void>[]> {
    const latest = new Map<string, UserPresence>();
    for (const presence of changes) latest.set(presence.userId, presence);
    const audiences = await this.ports.audiencesOf([...latest.keys()]);
    const messages: string[] = [];
    for (const [userId, presence] of latest) {
      const audience = audiences.get(userId);
      if (!audience || audience.length === 0) continue;
      const frame: ServerFrame = { type: 'presence', ...presence };
      messages.push(encodeFrameToUsers(audience, JSON.stringify(frame)));
    }
    if (messages.length > 0) await this.ports.publish(messages);
    return changes.map(() => ({ ok: true, value: undefined }));
  }
}
