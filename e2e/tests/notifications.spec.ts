// Notifications in the web client: the unread count in the tab title, the offer to enable desktop
// notifications after the user's first message, and a desktop notification for a message in a
// conversation that is not open. The page's Notification API is replaced by a recorder (headless Chromium
// shows no notifications), which also plays the browser's permission answer.
import { expect, test } from '@playwright/test';
import { api, createUser, logIn, openConversation, sendAs, sendFromComposer } from './support.js';

declare global {
  interface Window {
    __notifications?: Array<{ title: string; body: string }>;
  }
}

test('title count, permission offered after the first message, desktop notification for another conversation', async ({
  browser,
}) => {
  const [ann, ben, cat] = await Promise.all([createUser('Ann'), createUser('Ben'), createUser('Cat')]);
  const withBen = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const withCat = await api<{ id: string }>(cat, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ann.id],
    distinct: true,
  });

  const context = await browser.newContext();
  await context.addInitScript(() => {
    let permission: NotificationPermission = 'default';
    window.__notifications = [];
    class RecordingNotification {
      static get permission() {
        return permission;
      }
      static requestPermission() {
        permission = 'granted';
        return Promise.resolve(permission);
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        window.__notifications!.push({ title, body: options?.body ?? '' });
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true });
  });
  const page = await context.newPage();
  await logIn(page, ann);
  await expect(page).toHaveTitle('Parley');
  // Never asked on page load.
  await expect(page.getByTestId('notifications-prompt')).toHaveCount(0);

  await sendAs(cat, withCat.id, 'are you there?');
  await expect(page).toHaveTitle('(1) Parley');

  // Ann writes to Ben: now the app offers desktop notifications; she accepts.
  await openConversation(page, withBen.id);
  await sendFromComposer(page, 'hello Ben');
  await expect(page.getByTestId('notifications-prompt')).toBeVisible();
  await page.getByTestId('notifications-enable').click();
  await expect(page.getByTestId('notifications-prompt')).toHaveCount(0);

  // A message in the conversation she has open: no notification; in Cat's: one, and the count grows.
  await sendAs(ben, withBen.id, 'hi Ann');
  await expect(page.getByTestId('message').last()).toContainText('hi Ann');
  await sendAs(cat, withCat.id, 'ping');
  await expect(page).toHaveTitle('(2) Parley');
  await expect
    .poll(() => page.evaluate(() => window.__notifications))
    .toEqual([{ title: 'Cat', body: 'ping' }]);

  await context.close();
});
