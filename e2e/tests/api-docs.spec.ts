import { expect, test } from '@playwright/test';
import { messagingUrl } from './support.js';

test('the messaging API docs render in a browser, from the OpenAPI document, with no external requests', async ({
  page,
}) => {
  const external: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(messagingUrl)) external.push(req.url());
  });
  await page.goto(`${messagingUrl}/docs`);
  await expect(page.locator('.swagger-ui .info .title')).toContainText('Parley messaging');
  // Every tag of the document appears, with its operations.
  for (const tag of ['Identity', 'Conversations', 'Messages', 'Sync', 'Me', 'Health'])
    await expect(page.locator(`.opblock-tag[data-tag="${tag}"]`)).toBeVisible();
  await expect(
    page.locator('.opblock-summary-path', { hasText: '/v1/conversations/{conversationId}/messages' }).first(),
  ).toBeVisible();
  expect(external).toEqual([]);
});
