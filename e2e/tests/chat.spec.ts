import { expect, test } from '@playwright/test';
import {
  api,
  conversationItem,
  createUser,
  openConversation,
  openDevice,
  sendFromComposer,
} from './support.js';

test('direct chat both ways, with typing and read state', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const annDevice = await openDevice(browser, ann);
  const benDevice = await openDevice(browser, ben);
  const a = annDevice.page;
  const b = benDevice.page;

  // Ann starts a direct chat with Ben from the UI.
  await a.getByTestId('new-direct-button').click();
  await a.getByTestId('user-search').fill(ben.username);
  await a.locator(`[data-testid="user-result"][data-username="${ben.username}"]`).click();
  await expect(a.getByTestId('chat-view')).toBeVisible();
  await expect(a.getByTestId('chat-title')).toHaveText('Ben');

  // Ann types: Ben sees the typing indicator once the chat reaches him.
  await sendFromComposer(a, 'Hi Ben!');
  const benItem = b.getByTestId('conversation-item').first();
  await expect(benItem.getByTestId('unread-badge')).toHaveText('1');
  await benItem.click();
  await expect(b.getByTestId('message-text').last()).toHaveText('Hi Ben!');
  await expect(benItem.getByTestId('unread-badge')).toHaveCount(0);

  await a.getByTestId('composer-input').pressSequentially('are you th', { delay: 30 });
  await expect(b.getByTestId('typing-indicator')).toContainText('Ann');

  // Ben answers; Ann sees it and Ben's read mark on her message.
  await sendFromComposer(b, 'Hello Ann, all good.');
  await expect(a.getByTestId('message-text').last()).toHaveText('Hello Ann, all good.');
  await expect(a.getByTestId('read-marker')).toBeVisible();
  await expect(b.getByTestId('typing-indicator')).toHaveCount(0, { timeout: 10_000 });

  await annDevice.context.close();
  await benDevice.context.close();
});

test('a group of three sees every message', async ({ browser }) => {
  const [ann, ben, cat] = await Promise.all([createUser('Ann'), createUser('Ben'), createUser('Cat')]);
  const devices = await Promise.all([
    openDevice(browser, ann),
    openDevice(browser, ben),
    openDevice(browser, cat),
  ]);
  const [a, b, c] = devices.map((d) => d.page) as [
    (typeof devices)[0]['page'],
    (typeof devices)[0]['page'],
    (typeof devices)[0]['page'],
  ];

  await a.getByTestId('new-group-button').click();
  await a.getByTestId('group-title-input').fill('Trio');
  for (const u of [ben, cat]) {
    await a.getByTestId('user-search').fill(u.username);
    await a.locator(`[data-testid="user-result"][data-username="${u.username}"]`).click();
  }
  await a.getByTestId('create-group-button').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Trio');

  await sendFromComposer(a, 'from Ann');
  for (const p of [b, c]) {
    await p.getByTestId('conversation-item').filter({ hasText: 'Trio' }).click();
    await expect(p.getByTestId('message-text').last()).toHaveText('from Ann');
  }
  await sendFromComposer(b, 'from Ben');
  await sendFromComposer(c, 'from Cat');
  for (const p of [a, b, c]) {
    await expect(p.getByTestId('message-text')).toHaveText(['from Ann', 'from Ben', 'from Cat']);
  }
  await Promise.all(devices.map((d) => d.context.close()));
});

test('the same user on two devices: reading on one clears the unread count on both', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const phone = await openDevice(browser, ben);
  const laptop = await openDevice(browser, ben);
  for (let i = 1; i <= 3; i++) {
    await api(ann, 'POST', `/v1/conversations/${conv.id}/messages`, {
      clientMessageId: `u${i}`,
      parts: [{ mimeType: 'text/plain', body: `unread ${i}` }],
    });
  }
  for (const d of [phone, laptop])
    await expect(conversationItem(d.page, conv.id).getByTestId('unread-badge')).toHaveText('3');
  await openConversation(phone.page, conv.id);
  await expect(phone.page.getByTestId('message-text').last()).toHaveText('unread 3');
  await expect(conversationItem(laptop.page, conv.id).getByTestId('unread-badge')).toHaveCount(0);
  await expect(conversationItem(phone.page, conv.id).getByTestId('unread-badge')).toHaveCount(0);
  await phone.context.close();
  await laptop.context.close();
});

test('a message over the size limit shows a clear error and nothing breaks', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const { context, page } = await openDevice(browser, ann);
  await openConversation(page, conv.id);
  const huge = 'x'.repeat(70 * 1024);
  await page.getByTestId('composer-input').fill(huge);
  await page.getByTestId('composer-input').press('Enter');
  await expect(page.getByTestId('composer-error')).toContainText(/too long/i);
  await expect(page.getByTestId('composer-input')).toHaveValue(huge);
  await expect(page.getByTestId('message')).toHaveCount(0);
  await page.getByTestId('composer-input').fill('a normal message');
  await page.getByTestId('composer-input').press('Enter');
  await expect(page.getByTestId('message-text').last()).toHaveText('a normal message');
  await expect(page.getByTestId('composer-error')).toHaveCount(0);
  await context.close();
});

test('signing up in the UI and logging in as a demo user', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('auth-mode-signup').click();
  const username = `zoe${Date.now().toString(36)}`;
  await page.getByTestId('auth-username').fill(username);
  await page.getByTestId('auth-password').fill('correct horse battery');
  await page.getByTestId('auth-display-name').fill('Zoe');
  await page.getByTestId('auth-submit').click();
  await expect(page.getByTestId('current-user')).toHaveAttribute('data-username', username);
  await page.getByTestId('logout-button').click();
  await page.locator('[data-testid="demo-login"][data-username="alice"]').click();
  await expect(page.getByTestId('current-user')).toHaveAttribute('data-username', 'alice');
  await page.getByTestId('logout-button').click();
  await page.getByTestId('auth-mode-login').click();
  await page.getByTestId('auth-username').fill(username);
  await page.getByTestId('auth-password').fill('wrong password');
  await page.getByTestId('auth-submit').click();
  await expect(page.getByTestId('auth-error')).toBeVisible();
});

test('names and messages with bidi controls cannot reorder the text around them', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben\u202Eliam')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  await api(ben, 'POST', `/v1/conversations/${conv.id}/messages`, {
    clientMessageId: 'bidi-1',
    parts: [{ mimeType: 'text/plain', body: '\u202Egnp.exe' }],
  });
  const { context, page } = await openDevice(browser, ann);
  await openConversation(page, conv.id);
  await expect(page.getByTestId('message-text').last()).toHaveText('\u202Egnp.exe');
  const bidiOf = (testId: string) =>
    page
      .getByTestId(testId)
      .first()
      .evaluate((el) => getComputedStyle(el).unicodeBidi);
  expect(await bidiOf('message-text')).toBe('plaintext');
  for (const id of ['chat-title', 'conversation-title', 'conversation-preview'])
    expect(await bidiOf(id), id).toBe('isolate');
  // Inside a longer sentence the name is wrapped in FSI … PDI, the text form of <bdi>.
  const benPage = await openDevice(browser, ben);
  await openConversation(benPage.page, conv.id);
  await benPage.page.getByTestId('composer-input').pressSequentially('hi', { delay: 20 });
  await expect(page.getByTestId('typing-indicator')).toHaveText('\u2068Ben\u202Eliam\u2069 is typing…');
  await context.close();
  await benPage.context.close();
});
