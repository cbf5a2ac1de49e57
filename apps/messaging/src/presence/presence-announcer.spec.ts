import type { UserPresence } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { decodeFrameToUsers } from '../realtime/frames-to-users.js';
import { PresenceAnnouncer } from './presence-announcer.js';

const ALICE = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';
const CAROL = '00000000-0000-4000-8000-00000000000c';

const status = (userId: string, s: UserPresence['status']): UserPresence => ({
  userId,
  status: s,
  lastSeenAt: '2026-11-28T12:00:00.000Z',
});

/** Ports that record their calls; the first audience read waits until `release` is called. */
function recordingPorts(audiences: Record<string, string[]>) {
  const queries: string[][] = [];
  const published: Array<{ recipients: string[]; frame: unknown }> = [];
  let release!: () => void;
  const firstHeld = new Promise<void>((resolve) => (release = resolve));
  return {
    queries,
    published,
    release: () => release(),
    ports: {
      audiencesOf: async (userIds: string[]) => {
        queries.push(userIds);
        if (queries.length === 1) await firstHeld;
        return new Map(userIds.filter((id) => audiences[id]).map((id) => [id, audiences[id]!]));
      },
      publish: async (messages: string[]) => {
        for (const message of messages) {
          const decoded = decodeFrameToUsers(Buffer.from(message));
          published.push({ recipients: decoded!.recipients, frame: JSON.parse(decoded!.frame.toString()) });
        }
      },
    },
  };
}

describe('PresenceAnnouncer', () => {
  it('announces the changes that arrive during a batch together, with one audience read and a user latest status', async () => {
    const rec = recordingPorts({ [ALICE]: [BOB, CAROL], [BOB]: [ALICE] });
    const announcer = new PresenceAnnouncer(rec.ports);
    const first = announcer.announce(status(CAROL, 'online'));
    const waiting = [
      announcer.announce(status(ALICE, 'online')),
      announcer.announce(status(BOB, 'online')),
      announcer.announce(status(ALICE, 'away')),
    ];
    rec.release();
    await Promise.all([first, ...waiting]);

    expect(rec.queries).toEqual([[CAROL], [ALICE, BOB]]);
    // Carol shares nothing with anyone: nothing to publish. Alice's later status stands for both of hers.
    expect(rec.published).toEqual([
      { recipients: [BOB, CAROL], frame: { type: 'presence', ...status(ALICE, 'away') } },
      { recipients: [ALICE], frame: { type: 'presence', ...status(BOB, 'online') } },
    ]);
  });

  it('rejects every change of a batch whose audience read failed, and goes on with the next', async () => {
    let fail = true;
    const published: string[] = [];
    const announcer = new PresenceAnnouncer({
      audiencesOf: async (userIds) => {
        if (fail) throw new Error('pool exhausted');
        return new Map(userIds.map((id) => [id, [CAROL]]));
      },
      publish: async (messages) => void published.push(...messages),
    });
    await expect(announcer.announce(status(ALICE, 'online'))).rejects.toThrow('pool exhausted');
    fail = false;
    await announcer.announce(status(BOB, 'offline'));
    expect(published).toHaveLength(1);
  });
});
