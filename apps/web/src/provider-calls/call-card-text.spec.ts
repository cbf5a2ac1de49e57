import { describe, expect, it } from 'vitest';
import { callCardStatus, inviteStatusText, providerLabel } from './call-card-text';

const names: Record<string, string> = { a: 'Alice', b: 'Bob' };
const nameOf = (id: string) => names[id] ?? 'Someone';

describe('call card text', () => {
  it('reads a call nobody joined yet as calling', () => {
    expect(callCardStatus({ status: 'created', media: 'video' }, nameOf)).toBe('Calling…');
    expect(callCardStatus({ status: 'ringing', media: 'video' }, nameOf)).toBe('Calling…');
  });

  it('names who is in an active call', () => {
    expect(callCardStatus({ status: 'started', media: 'video', participants: ['a', 'b'] }, nameOf)).toBe(
      'Active · Alice and Bob',
    );
    expect(callCardStatus({ status: 'started', media: 'video' }, nameOf)).toBe('Active');
  });

  it('shows an ended call with its duration, reported or measured', () => {
    expect(callCardStatus({ status: 'ended', media: 'video', durationSeconds: 65 }, nameOf)).toBe(
      'Ended · 1:05',
    );
    expect(
      callCardStatus(
        {
          status: 'ended',
          media: 'video',
          startedAt: '2026-01-01T10:00:00Z',
          endedAt: '2026-01-01T10:02:03Z',
        },
        nameOf,
      ),
    ).toBe('Ended · 2:03');
    expect(callCardStatus({ status: 'ended', media: 'video' }, nameOf)).toBe('Ended · 0:00');
  });

  it('says what kind of call was missed', () => {
    expect(callCardStatus({ status: 'missed', media: 'video' }, nameOf)).toBe('Missed video call');
    expect(callCardStatus({ status: 'missed', media: 'audio' }, nameOf)).toBe('Missed voice call');
  });

  it('names providers people know and keeps unknown ones as registered', () => {
    expect(providerLabel('livekit')).toBe('LiveKit');
    expect(providerLabel('acme-meet')).toBe('acme-meet');
  });

  it('counts the tries of a ringing invite, the first one before the gateway counted it', () => {
    expect(inviteStatusText({ status: 'inviting', tries: 0, maxTries: 3 })).toBe('Ringing… (try 1 of 3)');
    expect(inviteStatusText({ status: 'inviting', tries: 3, maxTries: 3 })).toBe('Ringing… (try 3 of 3)');
    expect(inviteStatusText({ status: 'missed', tries: 3, maxTries: 3 })).toBe(
      'No answer · missed video call',
    );
  });
});
