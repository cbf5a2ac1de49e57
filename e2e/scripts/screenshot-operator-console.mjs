#!/usr/bin/env node
// Captures docs/screenshots/operator-console.png: the demo user bob's operator console during a support call
// from a new customer. Needs the platform running (`npm start`, which makes bob and carol operators);
// WEB_URL and MESSAGING_URL override the default addresses.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const webUrl = process.env.WEB_URL ?? 'http://localhost:3000';
const messagingUrl = process.env.MESSAGING_URL ?? 'http://localhost:3001';
const out = join(root, 'docs/screenshots/operator-console.png');

const browser = await chromium.launch(chromiumLaunchOptions());

async function device() {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 720 },
    deviceScaleFactor: 1,
    permissions: ['microphone'],
  });
  return context.newPage();
}

// The customer: a fresh account, so the picture shows no one's real history.
const password = `pw-${randomBytes(8).toString('hex')}`;
const username = `customer${randomBytes(3).toString('hex')}`;
const signup = await fetch(`${messagingUrl}/v1/auth/signup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username, password, displayName: 'Dana Customer' }),
});
if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);

const operator = await device();
await operator.goto(webUrl);
await operator.locator('[data-testid="demo-login"][data-username="bob"]').click();
await operator.getByTestId('support-console-button').click();
const availability = operator.getByTestId('operator-availability');
await availability.waitFor();
if ((await availability.getAttribute('data-available')) !== 'true') await availability.click();
await operator.locator('[data-testid="operator-availability"][data-available="true"]').waitFor();

const customer = await device();
await customer.goto(webUrl);
await customer.getByTestId('auth-mode-login').click();
await customer.getByTestId('auth-username').fill(username);
await customer.getByTestId('auth-password').fill(password);
await customer.getByTestId('auth-submit').click();
await customer.getByTestId('support-button').click();

/** The customer calls; bob answers (with carol available too, the line may ring her first, so bob waits). */
async function callAnswered() {
  await customer.getByTestId('support-call-button').click();
  await operator.getByTestId('operator-accept').click({ timeout: 60_000 });
  await operator.locator('[data-testid="operator-call"][data-connection="connected"]').waitFor();
  // A timer past 0:00, so the call is under way.
  await operator.locator('[data-testid="operator-call-timer"]:not(:text-is("0:00"))').waitFor();
}

// One call first, so the console's history has an entry.
await callAnswered();
await customer.getByTestId('support-hangup').click();
await operator.locator('[data-testid="operator-history-item"][data-state="ended"]').first().waitFor();
await customer.getByTestId('support-call-dismiss').click();
await callAnswered();
const notNow = operator.getByTestId('notifications-dismiss');
if (await notNow.isVisible().catch(() => false)) await notNow.click();

mkdirSync(dirname(out), { recursive: true });
await operator.screenshot({ path: out });

await customer.getByTestId('support-hangup').click();
await operator.getByTestId('operator-idle').waitFor();
await availability.click();
await operator.locator('[data-testid="operator-availability"][data-available="false"]').waitFor();
await browser.close();
process.stdout.write(`wrote ${out}\n`);
