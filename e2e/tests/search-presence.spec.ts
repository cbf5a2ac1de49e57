import { expect, test } from '@playwright/test';
import { api, conversationItem, createUser, openConversation, openDevice, sendAs } from './support.js';

test('a search hit opens its conversation at the message, even one far back in the history', async ({
  browser,
}) => {
  const [ann, ben, cat] = await Promise.all([createUser('Ann'), createUser('Ben'), createUser('Cat')]);
  const annBen = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
  });
  const target = await sendAs(ben, annBen.id, 'The quarterly zebrafish report is attached');
  for (let i = 1; i <= 70; i++) await sendAs(i % 2 ? ann : ben, annBen.id, `filler message ${i}`);
  // A conversation Ann is not in mentions the same word: it must never show up for her.
  const benCat = await api<{ id: string }>(ben, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [cat.id],
  });
  await sendAs(cat, benCat.id, 'zebrafish secrets between Ben and Cat');
  const annCat = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [cat.id],
  });
  await sendAs(cat, annCat.id, 'something else entirely');

  const { page, context } = await openDevice(browser, ann);
  await openConversation(page, annCat.id);

  await page.getByTestId('message-search').fill('zebra');
  const hits = page.getByTestId('search-result');
  await expect(hits).toHaveCount(1);
  await expect(hits.first()).toHaveAttribute('data-conversation-id', annBen.id);
  await expect(hits.first().locator('mark')).toHaveText('zebrafish');
  await expect(hits.first()).toContainText('The quarterly zebrafish report');

  await hits.first().click();
  await expect(page.getByTestId('chat-view')).toHaveAttribute('data-conversation-id', annBen.id);
  const message = page.locator(`[data-testid="message"][data-message-id="${target.id}"]`);
  await expect(message).toBeInViewport({ timeout: 15_000 });
  await expect(message.getByTestId('message-text')).toHaveText('The quarterly zebrafish report is attached');
  await expect(page.getByTestId('search-results')).toHaveCount(0);

  await page.getByTestId('message-search').fill('nothingmatchesthis');
  await expect(page.getByTestId('search-empty')).toBeVisible();
  await context.close();
});

test('presence: the other person shows online, then offline with "last seen" once their page closes', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const chat = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
  });
  const annDevice = await openDevice(browser, ann);
  const benDevice = await openDevice(browser, ben);
  const a = annDevice.page;

  const dot = conversationItem(a, chat.id).getByTestId('presence-dot');
  await expect(dot).toHaveAttribute('data-user-id', ben.id);
  await expect(dot).toHaveAttribute('data-status', 'online');
  await openConversation(a, chat.id);
  await expect(a.getByTestId('chat-presence')).toHaveText('online');

  await benDevice.context.close();
  await expect(dot).toHaveAttribute('data-status', 'offline');
  await expect(a.getByTestId('chat-presence')).toHaveAttribute('data-status', 'offline');
  await expect(a.getByTestId('chat-presence')).toHaveText(/^last seen (just now|1 min ago)$/);
  await annDevice.context.close();
});

test('a pinned conversation is listed first and a muted one shows the muted mark', async ({ browser }) => {
  const [ann, ben, cat] = await Promise.all([createUser('Ann'), createUser('Ben'), createUser('Cat')]);
  const older = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
  });
  await sendAs(ben, older.id, 'older conversation');
  const newer = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [cat.id],
  });
  await sendAs(cat, newer.id, 'newer conversation');
  const { page, context } = await openDevice(browser, ann);
  const items = page.getByTestId('conversation-item');
  await expect(items.first()).toHaveAttribute('data-conversation-id', newer.id);

  await openConversation(page, older.id);
  await page.getByTestId('pin-conversation-button').click();
  await expect(page.getByTestId('pin-conversation-button')).toHaveAttribute('aria-pressed', 'true');
  await expect(items.first()).toHaveAttribute('data-conversation-id', older.id);
  await expect(conversationItem(page, older.id).getByTestId('pinned-icon')).toBeVisible();

  await page.getByTestId('mute-conversation-button').click();
  await expect(conversationItem(page, older.id).getByTestId('muted-icon')).toBeVisible();

  // Settings are the server's: a reload keeps them.
  await page.reload();
  await expect(items.first()).toHaveAttribute('data-conversation-id', older.id);
  await expect(conversationItem(page, older.id).getByTestId('muted-icon')).toBeVisible();
  await context.close();
});
