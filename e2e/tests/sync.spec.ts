import { expect, test } from '@playwright/test';
import {
  api,
  cachedMessageSeqs,
  createUser,
  openConversation,
  openDevice,
  readAllMessages,
  sendAs,
} from './support.js';

test('a device that was offline while 200 messages arrived shows all of them, in order, once', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  await sendAs(ann, conv.id, 'before the outage');
  const { context, page, realtime } = await openDevice(browser, ben);
  await openConversation(page, conv.id);
  await expect(page.getByTestId('message-text').last()).toHaveText('before the outage');

  await context.setOffline(true);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  // Once the live socket is closed nothing sent from now on can reach the page before it reconnects.
  await realtime.allClosed();
  for (let i = 1; i <= 200; i++) await sendAs(ann, conv.id, `while away ${i}`);
  await expect(page.getByTestId('message-text').last()).toHaveText('before the outage');

  await context.setOffline(false);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');
  await expect(page.getByTestId('message-text').last()).toHaveText('while away 200', { timeout: 30_000 });

  const all = await readAllMessages(page);
  const texts = all.map((m) => m.text);
  expect(texts).toEqual([
    'before the outage',
    ...Array.from({ length: 200 }, (_, i) => `while away ${i + 1}`),
  ]);
  const seqs = all.map((m) => m.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  await context.close();
});

test('a reload shows the history from the cache before the network answers', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const sent: number[] = [];
  for (let i = 1; i <= 5; i++) sent.push((await sendAs(ann, conv.id, `cached ${i}`)).seq);
  const { context, page } = await openDevice(browser, ben);
  await openConversation(page, conv.id);
  await expect(page.getByTestId('message-text').last()).toHaveText('cached 5');
  // The cache is written shortly after changes: wait until it holds all five messages.
  await expect.poll(() => cachedMessageSeqs(page, ben.id, conv.id)).toEqual(expect.arrayContaining(sent));

  // Hold every call to the messaging service: what renders now can only come from the cache.
  let held = 0;
  await page.route(/:\d+\/(v1|oauth)\//, async () => {
    held += 1;
  });
  await page.routeWebSocket(/\/v1\/realtime/, () => {
    held += 1;
  });
  await page.reload();
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await page.locator(`[data-testid="conversation-item"][data-conversation-id="${conv.id}"]`).click();
  await expect(page.getByTestId('message-text')).toHaveText([
    'cached 1',
    'cached 2',
    'cached 3',
    'cached 4',
    'cached 5',
  ]);
  await expect(page.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'online');
  expect(held).toBeGreaterThan(0);
  await context.close();
});
