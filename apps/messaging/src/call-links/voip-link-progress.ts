import type { VoipLinkBody, VoipLinkStatus } from '@parley/protocol';

/**
 * How far a call has come. `ended` and `missed` are both final: once the card shows one, nothing moves it
 * again (a late `missed` never overwrites an `ended`, nor the other way round).
 */
const statusRank: Record<VoipLinkStatus, number> = {
  created: 0,
  ringing: 1,
  started: 2,
  ended: 3,
  missed: 3,
};

/** What an update does to the card that shows `current`: move it on, repeat it, or lag behind it. */
export type VoipLinkRevision = 'newer' | 'same' | 'older';

/**
 * Orders a call update against what the card shows, so a redelivered or reordered update never moves the card
 * backwards. Across statuses the status decides. Within one status an update that lacks a fact the card
 * already has (start, end, duration, link) was written before that fact was known; otherwise a different
 * participant list is the newer one (joins and leaves within a status carry no order of their own, and the
 * bus delivers one call's updates in publish order unless a retry reorders them).
 */
export function compareVoipLinkProgress(current: VoipLinkBody, update: VoipLinkBody): VoipLinkRevision {
  const byStatus = statusRank[update.status] - statusRank[current.status];
  if (byStatus !== 0) return byStatus > 0 ? 'newer' : 'older';
  if (update.status !== current.status) return 'older'; // ended vs missed: the first final word stays
  const facts = ['startedAt', 'endedAt', 'durationSeconds', 'joinUrl', 'gatewayCallId'] as const;
  if (facts.some((f) => current[f] !== undefined && update[f] === undefined)) return 'older';
  if (facts.some((f) => current[f] === undefined && update[f] !== undefined)) return 'newer';
  if (
    update.status === 'ended' &&
    current.durationSeconds !== undefined &&
    update.durationSeconds !== undefined &&
    update.durationSeconds < current.durationSeconds
  )
    return 'older';
  return sameVoipLink(current, update) ? 'same' : 'newer';
}

function sameVoipLink(a: VoipLinkBody, b: VoipLinkBody): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof VoipLinkBody>);
  for (const key of keys) {
    if (key === 'participants') {
      const pa = [...(a.participants ?? [])].sort();
      const pb = [...(b.participants ?? [])].sort();
      if (pa.length !== pb.length || pa.some((p, i) => p !== pb[i])) return false;
    } else if (a[key] !== b[key]) return false;
  }
  return true;
}
