import { describe, expect, it } from 'vitest';
import {
  documentTitle,
  newMessageAlert,
  permissionPrompt,
  titleUnreadCount,
  type NewMessageFacts,
} from './notification-rules';

describe('documentTitle', () => {
  it.each([
    [0, 'Parley'],
    [1, '(1) Parley'],
    [3, '(3) Parley'],
    [1500, '(999+) Parley'],
    [-2, 'Parley'],
  ])('%s unread → %s', (n, title) => expect(documentTitle(n)).toBe(title));
});

describe('titleUnreadCount', () => {
  it('sums unread of conversations that are not muted; works without the muted setting', () => {
    expect(
      titleUnreadCount([
        { unreadCount: 2 },
        { unreadCount: 5, muted: true },
        { unreadCount: 1, muted: false },
        { unreadCount: 0 },
      ]),
    ).toBe(3);
  });
});

const base: NewMessageFacts = {
  ownMessage: false,
  conversationMuted: false,
  conversationOpen: false,
  pageVisible: true,
  desktopAllowed: true,
};

describe('newMessageAlert', () => {
  it('a message in another conversation while the page is in view: sound and a desktop notification', () => {
    expect(newMessageAlert(base)).toEqual({ sound: true, desktop: true });
  });
  it('the open conversation in view: nothing', () => {
    expect(newMessageAlert({ ...base, conversationOpen: true })).toEqual({ sound: false, desktop: false });
  });
  it('the open conversation in a background tab: sound and desktop', () => {
    expect(newMessageAlert({ ...base, conversationOpen: true, pageVisible: false })).toEqual({
      sound: true,
      desktop: true,
    });
  });
  it('own messages and muted conversations: nothing', () => {
    expect(newMessageAlert({ ...base, ownMessage: true })).toEqual({ sound: false, desktop: false });
    expect(newMessageAlert({ ...base, conversationMuted: true, pageVisible: false })).toEqual({
      sound: false,
      desktop: false,
    });
  });
  it('notifications not allowed: only the sound', () => {
    expect(newMessageAlert({ ...base, desktopAllowed: false, pageVisible: false })).toEqual({
      sound: true,
      desktop: false,
    });
  });
});

describe('permissionPrompt', () => {
  const facts = { supported: true, permission: 'default' as const, sentAMessage: true, dismissed: false };
  it('offers once the user sent a message and the browser was not asked yet', () => {
    expect(permissionPrompt(facts)).toBe('offer');
  });
  it('never on page load, never twice, never where unsupported or already decided', () => {
    expect(permissionPrompt({ ...facts, sentAMessage: false })).toBe('hidden');
    expect(permissionPrompt({ ...facts, dismissed: true })).toBe('hidden');
    expect(permissionPrompt({ ...facts, supported: false })).toBe('hidden');
    expect(permissionPrompt({ ...facts, permission: 'granted' })).toBe('hidden');
    expect(permissionPrompt({ ...facts, permission: 'denied' })).toBe('hidden');
  });
});
