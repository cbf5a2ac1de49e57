// Live chat from a customer's website: a plain page on its own origin includes the widget from the web
// server; a visitor chats with the support desk as a guest, an operator (demo user bob) accepts the chat in the
// web client's desk; the customer's backend gets a signed webhook for each message and masks card numbers
// with a pre-send hook before anyone sees them.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { e2eMachineClients, widgetPageOrigin } from '../machine-clients.js';
import { messagingUrl, openDemoDevice, sendFromComposer, setOperatorAvailable } from './support.js';

const gatewayUrl = `http://127.0.0.1:${process.env.E2E_WEBHOOK_GATEWAY_PORT}`;
const CARD = '4111 1111 1111 1111';
const MASKED = '**** **** **** 1111';

async function machineToken(client: { id: string; secret: string }): Promise<string> {
  const res = await fetch(`${messagingUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
    }),
  });
  if (!res.ok) throw new Error(`client credentials for ${client.id}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call<T>(token: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Starts a node:http server and resolves with it once it listens. */
async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/**
 * The customer's backend: receives outgoing webhooks at /webhooks and answers pre-send hook calls at
 * /pre-send by replacing card numbers with a mask (the last four digits kept).
 */
function customerBackend() {
  const webhooks: Received[] = [];
  const hookCalls: Received[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.url === '/webhooks') {
      webhooks.push({ body, headers: req.headers });
      res.writeHead(204).end();
      return;
    }
    if (req.url === '/pre-send') {
      hookCalls.push({ body, headers: req.headers });
      const { data } = JSON.parse(body) as { data: { parts: Array<{ mimeType: string; body?: string }> } };
      const parts = data.parts.map((p) =>
        p.body === undefined
          ? p
          : { ...p, body: p.body.replace(/\b(?:\d{4} ){3}(\d{4})\b/g, '**** **** **** $1') },
      );
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ action: 'replace', parts }));
      return;
    }
    res.writeHead(404).end();
  });
  return { server, webhooks, hookCalls };
}

/** A plain page of the customer's site with the widget's script tag, the script from the web server. */
function customerSite(webUrl: string, siteKey: () => string) {
  return createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Example Shop</title></head>
<body><h1>Example Shop</h1><p>Questions? Use the chat in the corner.</p>
<script src="${webUrl}/widget.js" data-site-key="${siteKey()}" data-messaging-url="${messagingUrl}"></script>
</body></html>`);
  });
}

/** The visitor's widget: its bubble, panel, message log and composer (inside its shadow root). */
function widget(page: Page) {
  const panel = page.getByRole('dialog', { name: 'Chat with us' });
  return {
    open: async () => {
      await page.getByRole('button', { name: 'Open chat' }).click();
      await expect(panel.getByRole('textbox', { name: 'Message' })).toBeEnabled();
    },
    log: panel.getByRole('log', { name: 'Messages' }),
    send: async (text: string) => {
      await panel.getByRole('textbox', { name: 'Message' }).fill(text);
      await panel.getByRole('button', { name: 'Send' }).click();
    },
  };
}

test('a visitor chats through the widget with an operator who accepts in the desk; webhooks are signed and card numbers masked', async ({
  browser,
  baseURL,
}) => {
  const pageOrigin = widgetPageOrigin();
  const adminToken = await machineToken(e2eMachineClients.admin);
  const backendToken = await machineToken(e2eMachineClients.backend);
  const { site } = await call<{ site: { siteKey: string } }>(
    adminToken,
    'POST',
    `${messagingUrl}/v1/admin/sites`,
    {
      name: 'Example Shop',
      allowedOrigins: [pageOrigin],
    },
  );

  const site$ = customerSite(baseURL!, () => site.siteKey);
  await listen(site$, Number(process.env.E2E_WIDGET_PAGE_PORT));
  const backend = customerBackend();
  const backendUrl = `http://127.0.0.1:${await listen(backend.server)}`;
  const { endpoint, secret: webhookSecret } = await call<{ endpoint: { id: string }; secret: string }>(
    backendToken,
    'POST',
    `${gatewayUrl}/v1/webhooks/endpoints`,
    { url: `${backendUrl}/webhooks`, topics: ['message.sent'], description: 'live-chat e2e' },
  );

  const bob = await openDemoDevice(browser, 'bob');
  const visitorContext = await browser.newContext();
  let hookScope: string | undefined;
  try {
    await bob.page.getByTestId('support-console-button').click();
    await setOperatorAvailable(bob.page, true);

    // The visitor opens the widget on the shop's page and writes.
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${pageOrigin}/`);
    const chat = widget(visitor);
    await chat.open();
    await chat.send('Hello, is my order on its way?');
    await expect(chat.log.getByText('Hello, is my order on its way?')).toBeVisible();

    // Bob gets it in the desk, accepts, and the chat opens in the normal chat view.
    await bob.page.getByTestId('desk-button').click();
    await expect(bob.page.getByTestId('chat-desk')).toBeVisible();
    const offered = bob.page.locator('[data-testid="desk-item"][data-state="assigned"]');
    await expect(offered).toHaveCount(1, { timeout: 30_000 });
    const conversationId = (await offered.getAttribute('data-conversation-id'))!;
    await offered.getByTestId('desk-accept').click();
    await expect(bob.page.getByTestId('chat-view')).toBeVisible();
    await expect(
      bob.page.getByTestId('message-text').filter({ hasText: 'Hello, is my order on its way?' }),
    ).toBeVisible();
    await expect(chat.log.getByText('Bob Example joined')).toBeVisible();
    await expect(bob.page.getByTestId('desk-event')).toHaveText('Assigned to Bob Example');

    await sendFromComposer(bob.page, 'Hi! It ships tomorrow.');
    await expect(chat.log.getByText('Hi! It ships tomorrow.')).toBeVisible();

    // The customer's backend masks card numbers in this conversation from now on.
    hookScope = `conversation:${conversationId}`;
    const { secret: hookSecret } = await call<{ secret: string }>(
      backendToken,
      'PUT',
      `${messagingUrl}/v1/server/pre-send-hooks/${hookScope}`,
      { url: `${backendUrl}/pre-send`, fallback: 'reject' },
    );

    // After a reload the visitor is the same guest and sees the conversation so far.
    await visitor.reload();
    await chat.open();
    await expect(chat.log.getByText('Hello, is my order on its way?')).toBeVisible();
    await expect(chat.log.getByText('Hi! It ships tomorrow.')).toBeVisible();
    await chat.send(`Can I pay with ${CARD}?`);

    await expect(
      bob.page.getByTestId('message-text').filter({ hasText: `Can I pay with ${MASKED}?` }),
    ).toBeVisible();
    await expect(chat.log.getByText(`Can I pay with ${MASKED}?`)).toBeVisible();
    await expect(bob.page.getByText(CARD)).toHaveCount(0);
    await expect(chat.log.getByText(CARD)).toHaveCount(0);

    await sendFromComposer(bob.page, 'Yes, we take Visa.');
    await expect(chat.log.getByText('Yes, we take Visa.')).toBeVisible();

    // Every pre-send call was signed with the hook's secret.
    expect(backend.hookCalls.length).toBeGreaterThanOrEqual(2);
    for (const hookCall of backend.hookCalls) {
      expect(() =>
        new Webhook(hookSecret).verify(hookCall.body, hookCall.headers as Record<string, string>),
      ).not.toThrow();
    }

    // A signed webhook for each message of the conversation, the card number never in one.
    const texts = [
      'Hello, is my order on its way?',
      'Hi! It ships tomorrow.',
      `Can I pay with ${MASKED}?`,
      'Yes, we take Visa.',
    ];
    const ofConversation = () => backend.webhooks.filter((w) => w.body.includes(conversationId));
    await expect
      .poll(
        () =>
          texts.filter((text) =>
            ofConversation().some((w) => w.body.includes(JSON.stringify(text).slice(1, -1))),
          ),
        {
          message: 'webhooks of the conversation',
          timeout: 30_000,
        },
      )
      .toEqual(texts);
    for (const received of ofConversation()) {
      const verified = new Webhook(webhookSecret).verify(
        received.body,
        received.headers as Record<string, string>,
      ) as {
        type: string;
      };
      expect(verified.type).toBe('message.sent');
      expect(received.body).not.toContain(CARD);
    }

    // Bob closes the chat: the visitor reads it, and writing again brings it back to the desk.
    const desk = bob.page.getByTestId('chat-desk');
    const ours = desk.locator(`[data-testid="desk-item"][data-conversation-id="${conversationId}"]`);
    await bob.page.getByTestId('desk-button').click();
    await ours.getByTestId('desk-close').click();
    await expect(ours).toHaveCount(0);
    await expect(chat.log.getByText('Bob Example closed this chat. Write again any time.')).toBeVisible();
    await chat.send('One more thing: can I change the address?');
    await expect(ours).toHaveAttribute('data-state', 'assigned', { timeout: 30_000 });
    await ours.getByTestId('desk-accept').click();
    await expect(bob.page.getByText('One more thing: can I change the address?')).toBeVisible();
    await bob.page.getByTestId('desk-button').click();
    await ours.getByTestId('desk-close').click();
    await expect(ours).toHaveCount(0);
  } finally {
    if (hookScope)
      await call(backendToken, 'DELETE', `${messagingUrl}/v1/server/pre-send-hooks/${hookScope}`).catch(
        () => undefined,
      );
    await call(backendToken, 'DELETE', `${gatewayUrl}/v1/webhooks/endpoints/${endpoint.id}`).catch(
      () => undefined,
    );
    // Other specs log in as bob too: he leaves unavailable.
    await bob.page
      .getByTestId('support-console-button')
      .click()
      .then(() => setOperatorAvailable(bob.page, false))
      .catch(() => undefined);
    await bob.context.close();
    await visitorContext.close();
    await close(site$);
    await close(backend.server);
  }
});
