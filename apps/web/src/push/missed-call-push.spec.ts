import { describe, expect, it } from 'vitest';
import { pushFromServiceWorker } from './missed-call-push';

const payload = {
  type: 'video.missed',
  title: 'Missed video call',
  body: 'You missed a video call',
  conversationId: '0b7c1c52-2f4e-4b8e-9f5e-1d2c3b4a5f60',
  inviteId: '6a1e2d3c-4b5a-4f6e-8d7c-9b0a1f2e3d4c',
};

describe('messages from the service worker', () => {
  it('reads a missed-call push', () => {
    expect(pushFromServiceWorker({ type: 'parley.push', payload })).toEqual(payload);
  });

  it('ignores other messages and malformed payloads', () => {
    expect(pushFromServiceWorker(null)).toBeUndefined();
    expect(pushFromServiceWorker({ type: 'other', payload })).toBeUndefined();
    expect(
      pushFromServiceWorker({ type: 'parley.push', payload: { ...payload, type: 'chat' } }),
    ).toBeUndefined();
    expect(
      pushFromServiceWorker({ type: 'parley.push', payload: { ...payload, inviteId: 3 } }),
    ).toBeUndefined();
  });
});
