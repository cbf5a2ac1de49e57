import { expect, test, type Page } from '@playwright/test';
import { api, createUser, openConversation, openDevice, sendAs, sendFromComposer } from './support.js';

/** A message row of the open conversation by its own text (not a quote of it). */
const messageWith = (page: Page, text: string) =>
  page.getByTestId('message').filter({ has: page.getByTestId('message-text').filter({ hasText: text }) });

test('a reply and a reaction made in one browser are seen in the other', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'group',
    title: 'Lunch',
    participants: [ben.id],
  });
  await sendAs(ann, conv.id, 'Lunch at **noon**?');
  const annDevice = await openDevice(browser, ann);
  const benDevice = await openDevice(browser, ben);
  const a = annDevice.page;
  const b = benDevice.page;
  await openConversation(a, conv.id);
  await openConversation(b, conv.id);

  // Markdown: the bold renders as an element, the markers are gone.
  const original = messageWith(b, 'Lunch at');
  await expect(original.locator('strong')).toHaveText('noon');

  // Ben replies to it from the message's actions.
  await original.hover();
  await original.getByTestId('reply-message').click();
  await expect(b.getByTestId('reply-bar')).toContainText('Ann');
  await sendFromComposer(b, 'noon works');
  await expect(b.getByTestId('reply-bar')).toHaveCount(0);

  // Ann sees the reply with its quote of her message.
  const reply = messageWith(a, 'noon works');
  await expect(reply.getByTestId('reply-quote-sender')).toHaveText('Ann');
  await expect(reply.getByTestId('reply-quote-text')).toHaveText('Lunch at **noon**?');
  await reply.getByTestId('reply-quote').click();
  await expect(messageWith(a, 'Lunch at')).toBeInViewport();
  await expect(messageWith(a, 'Lunch at')).toHaveClass(/flash/);

  // Ben reacts to the original; Ann sees the count, adds hers, and Ben sees both.
  await original.hover();
  await original.getByTestId('react-button').click();
  await original.locator('[data-testid="reaction-option"][data-emoji="👍"]').click();
  const annChip = messageWith(a, 'Lunch at').locator('[data-testid="reaction-chip"][data-emoji="👍"]');
  await expect(annChip).toHaveAttribute('data-count', '1');
  await expect(annChip).toHaveAttribute('data-mine', 'false');
  await annChip.click();
  await expect(annChip).toHaveAttribute('data-count', '2');
  await expect(annChip).toHaveAttribute('aria-pressed', 'true');
  const benChip = original.locator('[data-testid="reaction-chip"][data-emoji="👍"]');
  await expect(benChip).toHaveAttribute('data-count', '2');
  await expect(benChip).toHaveAttribute('data-mine', 'true');

  // Ben takes his back.
  await benChip.click();
  await expect(annChip).toHaveAttribute('data-count', '1');
  await expect(benChip).toHaveAttribute('data-mine', 'false');

  await annDevice.context.close();
  await benDevice.context.close();
});

test('an @mention picked in the composer highlights the message for the mentioned user', async ({
  browser,
}) => {
  const [ann, ben, cat] = await Promise.all([createUser('Ann'), createUser('Ben'), createUser('Cat')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'group',
    title: 'Trio',
    participants: [ben.id, cat.id],
  });
  const annDevice = await openDevice(browser, ann);
  const benDevice = await openDevice(browser, ben);
  const a = annDevice.page;
  const b = benDevice.page;
  await openConversation(a, conv.id);
  await openConversation(b, conv.id);

  const input = a.getByTestId('composer-input');
  await input.pressSequentially(`hey @${ben.username.slice(0, 4)}`, { delay: 20 });
  await expect(a.locator(`[data-testid="mention-option"][data-username="${ben.username}"]`)).toBeVisible();
  await input.press('Enter'); // picks the highlighted participant
  await expect(input).toHaveValue(`hey @${ben.username} `);
  await input.pressSequentially('look at this');
  await input.press('Enter');
  await sendFromComposer(a, 'and this one is for everyone');

  const mention = messageWith(b, 'look at this');
  await expect(mention).toHaveAttribute('data-mentions-me', 'true');
  await expect(messageWith(b, 'for everyone')).not.toHaveAttribute('data-mentions-me', 'true');
  // The sender's own copy is not highlighted.
  await expect(messageWith(a, 'look at this')).not.toHaveAttribute('data-mentions-me', 'true');

  await annDevice.context.close();
  await benDevice.context.close();
});

test('hostile Markdown renders as text: no HTML, no javascript: links', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conv = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'group',
    title: 'Hostile',
    participants: [ben.id],
  });
  await sendAs(
    ann,
    conv.id,
    'evil <img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=2) ' +
      '**<script>window.__pwned=3</script>** `<b>code</b>` [ok](https://parley.example/)',
  );
  const benDevice = await openDevice(browser, ben);
  const b = benDevice.page;
  await openConversation(b, conv.id);
  const message = messageWith(b, 'evil');
  await expect(message.getByTestId('message-text')).toContainText('<img src=x onerror="window.__pwned=1">');
  await expect(message.locator('img')).toHaveCount(0);
  await expect(message.locator('script')).toHaveCount(0);
  await expect(message.locator('code')).toHaveText('<b>code</b>');
  const hrefs = await message.locator('a').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
  expect(hrefs).toEqual(['https://parley.example/']);
  expect(await b.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await benDevice.context.close();
});
