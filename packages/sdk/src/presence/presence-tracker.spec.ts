import { describe, expect, it, vi } from 'vitest';
import type { UserPresence } from '@parley/protocol';
import { PresenceTracker } from './presence-tracker.js';

const ann = '00000000-0000-4000-8000-00000000000a';
const ben = '00000000-0000-4000-8000-00000000000b';

function tracker(answers: (ids: string[]) => UserPresence[] = () => []) {
  const fetch = vi.fn(async (ids: string[]) => answers(ids));
  const changes: UserPresence[] = [];
  const t = new PresenceTracker({ fetch, onChange: (p) => changes.push(p), onError: () => undefined });
  return { t, fetch, changes };
}

describe('PresenceTracker', () => {
  it('answers offline at once, then reads users asked about in one turn with one request', async () => {
    const { t, fetch, changes } = tracker((ids) =>
      ids.map((userId) => ({ userId, status: 'online' as const, lastSeenAt: '2026-01-01T00:00:00.000Z' })),
    );
    expect(t.get(ann).status).toBe('offline');
    t.get(ben);
    await vi.waitFor(() => expect(changes).toHaveLength(2));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith([ann, ben]);
    expect(t.get(ann).status).toBe('online');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('keeps one frozen object per user until a frame changes it', () => {
    const { t, changes } = tracker();
    t.receive({ userId: ann, status: 'away', lastSeenAt: null });
    const first = t.get(ann);
    t.receive({ userId: ann, status: 'away', lastSeenAt: null });
    expect(t.get(ann)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    t.receive({ userId: ann, status: 'offline', lastSeenAt: '2026-01-01T00:00:00.000Z' });
    expect(t.get(ann)).not.toBe(first);
    expect(changes.map((c) => c.status)).toEqual(['away', 'offline']);
  });
});
