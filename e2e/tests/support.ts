import { randomBytes } from 'node:crypto';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

export const messagingUrl = `http://127.0.0.1:${process.env.E2E_MESSAGING_PORT ?? 4301}`;
export const PASSWORD = 'correct horse battery';

export interface E2eUser {
  id: string;
  username: string;
  displayName: string;
  token: string;
}

/** Creates a user through the public API (what another person's client would do). */
export async function createUser(name: string): Promise<E2eUser> {
  const username = `${name.toLowerCase()}${randomBytes(3).toString('hex')}`;
  const res = await fetch(`${messagingUrl}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, displayName: name }),
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string }; tokens: { access_token: string } };
  return { id: body.user.id, username, displayName: name, token: body.tokens.access_token };
}

export async function api<T = unknown>(
  user: E2eUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${messagingUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${user.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export async function sendAs(
  user: E2eUser,
  conversationId: string,
  text: string,
): Promise<{ id: string; seq: number }> {
  return api(user, 'POST', `/v1/conversations/${conversationId}/messages`, {
    clientMessageId: `e2e-${randomBytes(6).toString('hex')}`,
    parts: [{ mimeType: 'text/plain', body: text }],
  });
}

/** A fresh browser context (a device) logged in as `user` through the UI. */
export async function openDevice(
  browser: Browser,
  user: E2eUser,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, user);
  return { context, page };
}

export async function logIn(page: Page, user: E2eUser): Promise<void> {
  await page.goto('/');
  await page.getByTestId('auth-mode-login').click();
  await page.getByTestId('auth-username').fill(user.username);
  await page.getByTestId('auth-password').fill(PASSWORD);
  await page.getByTestId('auth-submit').click();
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');
}

export function conversationItem(page: Page, conversationId: string) {
  return page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`);
}

export async function openConversation(page: Page, conversationId: string): Promise<void> {
  await conversationItem(page, conversationId).click();
  await expect(page.getByTestId('chat-view')).toBeVisible();
}

export async function sendFromComposer(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

/**
 * Reads every message of the (virtualised) list by scrolling it from top to bottom, returning the
 * seq/text pairs in display order, each once.
 */
export async function readAllMessages(page: Page): Promise<Array<{ seq: number; text: string }>> {
  const list = page.getByTestId('message-list');
  const seen = new Map<number, string>();
  const order: number[] = [];
  await list.evaluate((el) => (el.scrollTop = 0));
  for (let guard = 0; guard < 400; guard++) {
    await page.waitForTimeout(30);
    const visible = await page
      .getByTestId('message')
      .evaluateAll((els) =>
        els.map((e) => ({
          seq: Number(e.getAttribute('data-seq')),
          text: e.querySelector('[data-testid="message-text"]')?.textContent ?? '',
        })),
      );
    for (const m of visible.sort((a, b) => a.seq - b.seq)) {
      if (!seen.has(m.seq)) order.push(m.seq);
      seen.set(m.seq, m.text);
    }
    const atBottom = await list.evaluate((el) => {
      const before = el.scrollTop;
      el.scrollTop = before + el.clientHeight * 0.8;
      return el.scrollTop === before;
    });
    if (atBottom) break;
  }
  return order.map((seq) => ({ seq, text: seen.get(seq)! }));
}
