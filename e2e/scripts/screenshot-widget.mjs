#!/usr/bin/env node
// Captures docs/screenshots/widget.png: the live-chat widget open on a plain shop page, a visitor chatting with
// the demo operator bob. The page is served by this script on SHOP_PORT (3010) and includes the widget from the
// web server. Needs the platform running with an admin machine client (it registers the shop's site) and the
// shop's origin allowed by CORS, e.g.
//   OAUTH_CLIENTS='[…the voice-proxy and webhook-gateway clients of services.json…,
//     {"id":"shots","secret":"<16+ chars>","scopes":["admin"]}]' \
//   CORS_ORIGINS=http://localhost:3000,http://localhost:3010 node scripts/start.mjs
//   ADMIN_CLIENT_ID=shots ADMIN_CLIENT_SECRET=… npm run screenshots -w e2e
// WEB_URL, MESSAGING_URL and VOICE_PROXY_URL override the default addresses.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const webUrl = process.env.WEB_URL ?? 'http://localhost:3000';
const messagingUrl = process.env.MESSAGING_URL ?? 'http://localhost:3001';
const voiceProxyUrl = process.env.VOICE_PROXY_URL ?? 'http://localhost:3003';
const shopPort = Number(process.env.SHOP_PORT ?? 3010);
const shopOrigin = `http://localhost:${shopPort}`;
const out = join(root, 'docs/screenshots/widget.png');
const { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET } = process.env;
if (!ADMIN_CLIENT_ID || !ADMIN_CLIENT_SECRET) {
  throw new Error('set ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET (a client with scope admin in OAUTH_CLIENTS)');
}

async function call(token, method, url, body) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

const admin = await call(undefined, 'POST', `${messagingUrl}/oauth/token`, {
  grant_type: 'client_credentials',
  client_id: ADMIN_CLIENT_ID,
  client_secret: ADMIN_CLIENT_SECRET,
});
const { site } = await call(admin.access_token, 'POST', `${messagingUrl}/v1/admin/sites`, {
  name: 'Example Shop',
  allowedOrigins: [shopOrigin],
});
const bob = await call(undefined, 'POST', `${messagingUrl}/oauth/token`, {
  grant_type: 'password',
  username: 'bob',
  password: 'parley-demo',
});
await call(bob.access_token, 'PUT', `${voiceProxyUrl}/v1/support/availability`, { available: true });

const shopPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example Shop</title>
<style>body{font:16px/1.5 Georgia,serif;margin:0;color:#222}header{background:#2f3e46;color:#fff;padding:18px 40px}
main{padding:24px 40px;max-width:520px}.price{font-size:22px;color:#52796f}</style></head>
<body><header><strong>Example Shop</strong></header><main><h1>Walnut desk lamp</h1>
<p class="price">€89</p><p>Hand-turned walnut base, linen shade, warm LED. Ships in 2–3 days.</p></main>
<script src="${webUrl}/widget.js" data-site-key="${site.siteKey}" data-messaging-url="${messagingUrl}"></script>
</body></html>`;
const shop = createServer((_req, res) =>
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shopPage),
);
await new Promise((resolve) => shop.listen(shopPort, 'localhost', resolve));

const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const context = await browser.newContext({ viewport: { width: 900, height: 640 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${shopOrigin}/`);
  const panel = page.getByRole('dialog', { name: 'Chat with us' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  const input = panel.getByRole('textbox', { name: 'Message' });
  await panel.locator('input:not([disabled])').waitFor(); // enabled once the chat is connected
  await input.fill('Hi! Does the lamp ship to Norway?');
  await panel.getByRole('button', { name: 'Send' }).click();

  // The desk offers the chat to bob (the only available operator); he accepts and answers.
  let offered;
  for (let attempt = 0; attempt < 60 && !offered; attempt++) {
    const queue = await call(bob.access_token, 'GET', `${messagingUrl}/v1/desk/queue`);
    offered = queue.mine.filter((c) => c.state === 'assigned').at(-1);
    if (!offered) await new Promise((r) => setTimeout(r, 500));
  }
  if (!offered) throw new Error('the desk did not offer the chat to bob (is he an operator?)');
  await call(
    bob.access_token,
    'POST',
    `${messagingUrl}/v1/desk/conversations/${offered.conversationId}/accept`,
  );
  await call(
    bob.access_token,
    'POST',
    `${messagingUrl}/v1/conversations/${offered.conversationId}/messages`,
    {
      clientMessageId: `shot-${Date.now()}`,
      parts: [{ mimeType: 'text/plain', body: 'Hello! Yes, we ship to Norway in 3–5 days.' }],
    },
  );
  await panel.getByText('Hello! Yes, we ship to Norway in 3–5 days.').waitFor();

  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
} finally {
  await call(bob.access_token, 'PUT', `${voiceProxyUrl}/v1/support/availability`, { available: false }).catch(
    () => undefined,
  );
  await browser.close();
  shop.close();
}
process.stdout.write(`wrote ${out}\n`);
