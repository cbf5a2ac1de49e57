import { describe, expect, it } from 'vitest';
import type { VoipLinkBody } from '@parley/protocol';
import { compareVoipLinkProgress } from './voip-link-progress.js';

const base: VoipLinkBody = { provider: 'parley', callId: 'room-1', status: 'created', media: 'video' };
const started: VoipLinkBody = {
  ...base,
  status: 'started',
  participants: ['ann'],
  startedAt: '2026-11-28T10:00:00.000Z',
};
const ended: VoipLinkBody = {
  ...started,
  status: 'ended',
  participants: [],
  endedAt: '2026-11-28T10:02:00.000Z',
  durationSeconds: 120,
};

describe('compareVoipLinkProgress', () => {
  it('moves forward through created, ringing, started, ended', () => {
    expect(compareVoipLinkProgress(base, { ...base, status: 'ringing' })).toBe('newer');
    expect(compareVoipLinkProgress(base, started)).toBe('newer');
    expect(compareVoipLinkProgress(started, ended)).toBe('newer');
  });

  it('calls an update behind the card older', () => {
    expect(compareVoipLinkProgress(ended, started)).toBe('older');
    expect(compareVoipLinkProgress(started, base)).toBe('older');
    expect(compareVoipLinkProgress({ ...base, status: 'ringing' }, base)).toBe('older');
  });

  it('keeps the first final status: missed never replaces ended, nor ended missed', () => {
    expect(compareVoipLinkProgress(ended, { ...base, status: 'missed' })).toBe('older');
    expect(compareVoipLinkProgress({ ...base, status: 'missed' }, ended)).toBe('older');
  });

  it('an identical update is the same, whatever the order of participants', () => {
    expect(compareVoipLinkProgress(ended, { ...ended })).toBe('same');
    const two = { ...started, participants: ['ann', 'ben'] };
    expect(compareVoipLinkProgress(two, { ...started, participants: ['ben', 'ann'] })).toBe('same');
  });

  it('within a status, a change of participants is newer', () => {
    expect(compareVoipLinkProgress(started, { ...started, participants: ['ann', 'ben'] })).toBe('newer');
    expect(compareVoipLinkProgress({ ...started, participants: ['ann', 'ben'] }, started)).toBe('newer');
  });

  it('within a status, an update missing a fact the card has is older, one adding a fact newer', () => {
    const endedWithoutDuration = { ...ended, durationSeconds: undefined };
    expect(compareVoipLinkProgress(ended, endedWithoutDuration)).toBe('older');
    expect(compareVoipLinkProgress(endedWithoutDuration, ended)).toBe('newer');
    expect(compareVoipLinkProgress(started, { ...started, startedAt: undefined })).toBe('older');
    expect(compareVoipLinkProgress(ended, { ...ended, durationSeconds: 90 })).toBe('older');
  });
});
