#!/usr/bin/env node
// Captures docs/screenshots/call-card.png: a conversation with an active video call's card (the built-in
// Parley provider, both people in the call, media flowing), seen by the one who joined from the card. Needs
// the platform running (`npm start`) with the web client told where the webhook gateway is
// (WEBHOOK_GATEWAY_PUBLIC_URL); WEB_URL and MESSAGING_URL override the default addresses.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const webUrl = process.env.WEB_URL ?? 'http://localhost:3000';
const messagingUrl = process.env.MESSAGING_URL ?? 'http://localhost:3001';
const out = join(root, 'docs/screenshots/call-card.png');

const config = await (await fetch(`${webUrl}/config.json`)).json();
if (!config.gatewayUrl)
  throw new Error(
    `${webUrl}/config.json names no gatewayUrl: start the web server with WEBHOOK_GATEWAY_PUBLIC_URL`,
  );

const browser = await chromium.launch(chromiumLaunchOptions());

/** Fresh accounts, so the picture shows no one's real history. */
async function signUp(displayName) {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const username = `${displayName.split(' ')[0].toLowerCase()}${randomBytes(3).toString('hex')}`;
  const res = await fetch(`${messagingUrl}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, displayName }),
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return { id: body.user.id, username, password, token: body.tokens.access_token };
}

async function asUser(user, method, path, body) {
  const res = await fetch(`${messagingUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function device(user, conversationId) {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 720 },
    deviceScaleFactor: 1,
    permissions: ['camera', 'microphone'],
  });
  const page = await context.newPage();
  await page.goto(webUrl);
  await page.getByTestId('auth-mode-login').click();
  await page.getByTestId('auth-username').fill(user.username);
  await page.getByTestId('auth-password').fill(user.password);
  await page.getByTestId('auth-submit').click();
  await page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`).click();
  await page.getByTestId('chat-view').waitFor();
  return page;
}

const ann = await signUp('Ann Lee');
const ben = await signUp('Ben Ortiz');
const chat = await asUser(ann, 'POST', '/v1/conversations', {
  type: 'direct',
  participants: [ben.id],
  distinct: true,
});
const say = (user, text) =>
  asUser(user, 'POST', `/v1/conversations/${chat.id}/messages`, {
    clientMessageId: `shot-${randomBytes(6).toString('hex')}`,
    parts: [{ mimeType: 'text/plain', body: text }],
  });
await say(ann, 'Got a minute to look at the launch checklist together?');
await say(ben, 'Sure, call me');

const caller = await device(ann, chat.id);
const joiner = await device(ben, chat.id);

const picker = caller.getByTestId('provider-picker');
if (await picker.isVisible().catch(() => false)) await picker.selectOption('parley');
await caller.getByTestId('start-video-call-button').click();
await caller.locator('[data-testid="in-app-call"][data-state="waiting"]').waitFor();
const card = joiner.getByTestId('call-card');
await card.getByTestId('call-card-join').click();
// Nothing hovered: no message toolbar in the picture.
await joiner.mouse.move(900, 600);
await joiner.locator('[data-testid="in-app-call"][data-connection="connected"]').waitFor({ timeout: 30_000 });
await card.locator('[data-testid="call-card-status"]:text-is("Active · Ann Lee and Ben Ortiz")').waitFor();
for (const page of [caller, joiner]) {
  const notNow = page.getByTestId('notifications-dismiss');
  if (await notNow.isVisible().catch(() => false)) await notNow.click();
}
// The fake camera's first frames are black: wait until the far end's video has played a little.
await joiner.waitForFunction(
  `[...document.querySelectorAll('[data-testid="in-app-call"] video')].every((v) => v.currentTime > 1)`,
);

mkdirSync(dirname(out), { recursive: true });
await joiner.screenshot({ path: out });

await joiner.getByTestId('in-app-call-hangup').click();
await caller.getByTestId('in-app-call-hangup').click();
await caller.locator('[data-testid="call-card"][data-status="ended"]').waitFor();
await browser.close();
process.stdout.write(`wrote ${out}\n`);
