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
  const username = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}${randomBytes(3).toString('hex')}`;
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
    const visible = await page.getByTestId('message').evaluateAll((els) =>
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

// ---- calls (terminal-core) ----

/** A random Norwegian-style mobile number (+479 and 7 digits), unique enough for one suite run. */
export function randomMsisdn(): string {
  return `+479${String(randomBytes(4).readUInt32BE(0) % 10_000_000).padStart(7, '0')}`;
}

export interface E2eCallUser extends E2eUser {
  msisdn: string;
}

/** Like createUser, with an msisdn: such users can register a terminal and make calls. */
export async function createUserWithMsisdn(name: string, msisdn = randomMsisdn()): Promise<E2eCallUser> {
  const username = `${name.toLowerCase()}${randomBytes(3).toString('hex')}`;
  const res = await fetch(`${messagingUrl}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, displayName: name, msisdn }),
  });
  if (res.status === 409 && /msisdn/i.test(await res.clone().text())) return createUserWithMsisdn(name);
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    user: { id: string; msisdn: string | null };
    tokens: { access_token: string };
  };
  if (body.user.msisdn !== msisdn) throw new Error(`sign-up kept msisdn ${body.user.msisdn}, not ${msisdn}`);
  return { id: body.user.id, username, displayName: name, token: body.tokens.access_token, msisdn };
}

/**
 * A device that can call: camera and microphone allowed (Chromium's fake devices), logged in, and its
 * terminal registered with terminal-core.
 */
export async function openCallDevice(
  browser: Browser,
  user: E2eUser,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await logIn(page, user);
  await expect(page.getByTestId('terminal-status')).toHaveAttribute('data-state', 'online');
  return { context, page };
}

/** The active call's RTCPeerConnection state on a page ('none' without an active call). */
export function peerConnectionState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const w = window as unknown as { __parleyCall?: { peerConnection(): RTCPeerConnection | undefined } };
    return w.__parleyCall?.peerConnection()?.connectionState ?? 'none';
  });
}

/** Bytes received so far over every inbound RTP stream of the active call (-1 without one). */
export function inboundBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const w = window as unknown as { __parleyCall?: { peerConnection(): RTCPeerConnection | undefined } };
    const pc = w.__parleyCall?.peerConnection();
    if (!pc) return -1;
    let total = 0;
    (await pc.getStats()).forEach((report: { type: string; bytesReceived?: number }) => {
      if (report.type === 'inbound-rtp') total += report.bytesReceived ?? 0;
    });
    return total;
  });
}

/** The call's RTCPeerConnection reaches `connected` and inbound-rtp bytesReceived keeps growing. */
export async function expectMediaFlowing(page: Page): Promise<void> {
  await expect.poll(() => peerConnectionState(page), { timeout: 20_000 }).toBe('connected');
  const before = await inboundBytes(page);
  await expect.poll(() => inboundBytes(page), { timeout: 15_000 }).toBeGreaterThan(Math.max(before, 0));
  const later = await inboundBytes(page);
  await expect.poll(() => inboundBytes(page), { timeout: 15_000 }).toBeGreaterThan(later);
}

/** Dials a number from the sidebar dialer. */
export async function dial(page: Page, msisdn: string): Promise<void> {
  await page.getByTestId('dial-input').fill(msisdn);
  await page.getByTestId('dial-button').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
}
