import { expect, test, type Page } from '@playwright/test';
import { api, createUser, openConversation, openDevice, readAllMessages } from './support.js';

const numbered = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);

/** Types `text` into the composer and presses Enter at once, without waiting for anything. */
async function typeAndEnter(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function expectAllDelivered(page: Page, bodies: string[]): Promise<void> {
  await expect(page.getByTestId('outgoing-message')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('message-text').last()).toHaveText(bodies[bodies.length - 1]!, {
    timeout: 30_000,
  });
  const all = await readAllMessages(page);
  expect(all.map((m) => m.text)).toEqual(bodies);
  const seqs = all.map((m) => m.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
}

test('twenty messages typed as fast as possible on a slow link that drops for a while arrive once each, in order, on both sides', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const annDevice = await openDevice(browser, ann);
  const benDevice = await openDevice(browser, ben);
  const a = annDevice.page;
  await openConversation(a, conv.id);
  await openConversation(benDevice.page, conv.id);

  // A slow mobile link: every API request takes a quarter of a second, so sends pile up behind each other.
  const apiCalls = /:\d+\/(v1|oauth)\//;
  await a.route(apiCalls, async (route) => {
    await new Promise((r) => setTimeout(r, 250));
    await route.continue().catch(() => undefined);
  });

  const bodies = numbered(20, 'm');
  await a.getByTestId('composer-input').focus();
  for (const body of bodies.slice(0, 10)) await typeAndEnter(a, body);

  // The link drops while the user keeps typing.
  await annDevice.context.setOffline(true);
  for (const body of bodies.slice(10)) await typeAndEnter(a, body);
  await expect(a.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  // Nothing typed is lost or merged: the composer is empty, and the (virtualised) list ends with the newest
  // messages in the order typed, the unsent ones as pending.
  await expect(a.getByTestId('composer-input')).toHaveValue('');
  const shown = [
    ...(await a.getByTestId('message').locator('[data-testid="message-text"]').allTextContents()),
    ...(await a.getByTestId('outgoing-message').locator('[data-testid="message-text"]').allTextContents()),
  ];
  expect(shown).toEqual(bodies.slice(bodies.length - shown.length));
  await expect(a.getByTestId('outgoing-message').last()).toHaveAttribute('data-status', /pending|sending/);
  await expect(a.getByTestId('outgoing-message').last().getByTestId('message-text')).toHaveText('m20');

  await annDevice.context.setOffline(false);
  await a.unroute(apiCalls);
  await expect(a.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');

  await expectAllDelivered(a, bodies);
  await expectAllDelivered(benDevice.page, bodies);
  await annDevice.context.close();
  await benDevice.context.close();
});

test('messages sent while the API does not answer survive a reload and go out once it answers', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const { context, page } = await openDevice(browser, ann);
  await openConversation(page, conv.id);

  // The messaging API stops answering; the live socket stays up, so only failed calls can tell.
  const apiCalls = /:\d+\/(v1|oauth)\//;
  await page.route(apiCalls, (route) => route.abort('internetdisconnected'));
  await page.getByTestId('composer-input').focus();
  for (const body of ['one', 'two', 'three']) await typeAndEnter(page, body);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  await expect(page.getByTestId('outgoing-message')).toHaveCount(3);
  await expect(page.getByTestId('outgoing-message').first()).toHaveAttribute(
    'data-status',
    /pending|sending/,
  );

  // Reload while it is still down: the queue comes back from the cache and is shown again.
  await page.reload();
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await openConversation(page, conv.id);
  await expect(page.getByTestId('outgoing-message').getByTestId('message-text')).toHaveText([
    'one',
    'two',
    'three',
  ]);

  await page.unroute(apiCalls);
  await expectAllDelivered(page, ['one', 'two', 'three']);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');

  const ben2 = await openDevice(browser, ben);
  await openConversation(ben2.page, conv.id);
  await expectAllDelivered(ben2.page, ['one', 'two', 'three']);
  await context.close();
  await ben2.context.close();
});

test('a message the outbox gave up on can be retried from the list', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const { context, page } = await openDevice(browser, ann);
  await openConversation(page, conv.id);
  // Ben's side refuses the send for good (403: Ann was removed from the conversation's writers).
  let refuse = true;
  await page.route(/\/messages$/, (route) =>
    refuse && route.request().method() === 'POST'
      ? route.fulfill({
          status: 403,
          contentType: 'application/json',
          body: JSON.stringify({ statusCode: 403, error: 'Forbidden', message: 'not allowed' }),
        })
      : route.continue(),
  );
  await page.getByTestId('composer-input').focus();
  await typeAndEnter(page, 'refused first');
  const failed = page.getByTestId('outgoing-message');
  await expect(failed).toHaveAttribute('data-status', 'failed');
  await expect(failed).toContainText("You can't write in this conversation.");

  refuse = false;
  await failed.getByTestId('retry-send').click();
  await expectAllDelivered(page, ['refused first']);
  await context.close();
});
