#!/usr/bin/env node
// Captures docs/screenshots/chat-two-users.png: two demo users chatting side by side in Debian's Chromium.
// Needs the platform running (`npm start`); WEB_URL and MESSAGING_URL override the default addresses.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const webUrl = process.env.WEB_URL ?? 'http://localhost:3000';
const out = join(root, 'docs/screenshots/chat-two-users.png');

const browser = await chromium.launch(chromiumLaunchOptions());

async function device(username) {
  const context = await browser.newContext({ viewport: { width: 900, height: 640 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(webUrl);
  await page.locator(`[data-testid="demo-login"][data-username="${username}"]`).click();
  await page.getByTestId('app-shell').waitFor();
  return page;
}

const alice = await device('alice');
const bob = await device('bob');
await alice.getByTestId('new-direct-button').click();
await alice.getByTestId('user-search').fill('bob');
await alice.locator('[data-testid="user-result"][data-username="bob"]').click();
const say = async (page, text) => {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
  await page.waitForTimeout(300);
};
await say(alice, 'Hi Bob! Did the new release go out?');
await bob.getByTestId('conversation-item').filter({ hasText: 'Alice' }).first().click();
await say(bob, 'Yes, an hour ago. Every service is green.');
await say(alice, 'Great, thanks for the **quick** work!');
// The desktop-notification offer is answered, so it does not cover the composers in the picture.
for (const page of [alice, bob]) {
  const notNow = page.getByTestId('notifications-dismiss');
  if (await notNow.isVisible().catch(() => false)) await notNow.click();
}
await bob.getByTestId('composer-input').pressSequentially('Any time', { delay: 40 });
await alice.waitForTimeout(800);

mkdirSync(dirname(out), { recursive: true });
const [left, right] = [await alice.screenshot(), await bob.screenshot()];
// Put both devices side by side in one picture.
const page = await (await browser.newContext({ viewport: { width: 1808, height: 640 } })).newPage();
await page.setContent(
  `<body style="margin:0;display:flex;gap:8px;background:#888">` +
    `<img src="data:image/png;base64,${left.toString('base64')}"><img src="data:image/png;base64,${right.toString('base64')}"></body>`,
);
await page.screenshot({ path: out });
await browser.close();
console.log(`wrote ${out}`);
