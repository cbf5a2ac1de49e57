import { randomBytes } from 'node:crypto';
import { expect, type Browser, type BrowserContext, type Page, type WebSocket } from '@playwright/test';
import { randomMsisdn } from '@parley/testing';

// playwright.config.ts picks the port (ports.ts) and hands it to the workers in the environment.
export const messagingUrl = `http://127.0.0.1:${process.env.E2E_MESSAGING_PORT}`;
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

/** The page's live connections to the messaging service (its /v1/realtime WebSockets). */
export class RealtimeSockets {
  private readonly sockets: WebSocket[] = [];

  constructor(page: Page) {
    page.on('websocket', (ws) => {
      if (/\/v1\/realtime/.test(ws.url())) this.sockets.push(ws);
    });
  }

  /** Resolves once every realtime socket the page opened is closed: nothing can reach it live any more. */
  async allClosed(timeoutMs = 15_000): Promise<void> {
    await expect
      .poll(() => this.sockets.filter((ws) => !ws.isClosed()).length, {
        message: 'open realtime sockets',
        timeout: timeoutMs,
      })
      .toBe(0);
  }
}

/** A fresh browser context (a device) logged in as `user` through the UI. */
export async function openDevice(
  browser: Browser,
  user: E2eUser,
): Promise<{ context: BrowserContext; page: Page; realtime: RealtimeSockets }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const realtime = new RealtimeSockets(page);
  await logIn(page, user);
  return { context, page, realtime };
}

/**
 * The seqs of the messages the page's IndexedDB cache (the SDK's `parley-<userId>` database) holds for
 * `conversationId`. Never creates the database: opening a missing one would give the app an empty
 * database of the wrong version.
 */
export function cachedMessageSeqs(page: Page, userId: string, conversationId: string): Promise<number[]> {
  return page.evaluate(
    async ({ name, id }) => {
      if (!(await indexedDB.databases()).some((d) => d.name === name)) return [];
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      try {
        if (!db.objectStoreNames.contains('conversations')) return [];
        const record = await new Promise<unknown>((resolve, reject) => {
          const get = db.transaction('conversations').objectStore('conversations').get(id);
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        });
        const messages: unknown[] =
          typeof record === 'object' &&
          record !== null &&
          'messages' in record &&
          Array.isArray(record.messages)
            ? record.messages
            : [];
        return messages.flatMap((m) =>
          typeof m === 'object' && m !== null && 'seq' in m && typeof m.seq === 'number' ? [m.seq] : [],
        );
      } finally {
        db.close();
      }
    },
    { name: `parley-${userId}`, id: conversationId },
  );
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

/** Seq and text of the messages the (virtualised) list has rendered right now. */
function renderedMessages(page: Page): Promise<Array<{ seq: number; text: string }>> {
  return page.getByTestId('message').evaluateAll((els) =>
    els.map((e) => ({
      seq: Number(e.getAttribute('data-seq')),
      text: e.querySelector('[data-testid="message-text"]')?.textContent ?? '',
    })),
  );
}

/**
 * Reads every message of the (virtualised) list, returning the seq/text pairs in display order, each
 * once. It scrolls to the top until the list says the whole history is loaded (retrying a failed load
 * of older messages, as a reader would), then pages down. After each scroll it waits for the rows of
 * the new position to be rendered (a message not read yet) rather than for a fixed time: a busy browser
 * may take longer to render than any guess.
 */
export async function readAllMessages(page: Page): Promise<Array<{ seq: number; text: string }>> {
  const list = page.getByTestId('message-list');
  await expect(async () => {
    await list.evaluate((el) => (el.scrollTop = 0));
    // Older messages that failed to load (say, while the API was down) wait for the reader's Retry; the
    // Retry of an unsent message (retry-send) is the test's business, not the reader's.
    const retry = list
      .getByRole('alert')
      .filter({ hasNot: page.getByTestId('retry-send') })
      .getByRole('button', { name: 'Retry' });
    if (await retry.isVisible()) await retry.click();
    await expect(page.getByTestId('history-start')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  const total = Number(await list.getAttribute('data-count'));
  // At the top, the first row must be rendered before reading: `data-index` is the attribute TanStack
  // Virtual's measureElement needs on every row.
  await list.evaluate((el) => (el.scrollTop = 0));
  if (total > 0) await expect(list.locator('[data-index="0"]')).toBeAttached();

  const seen = new Map<number, string>();
  const order: number[] = [];
  const record = (visible: Array<{ seq: number; text: string }>) => {
    for (const m of visible.sort((a, b) => a.seq - b.seq)) {
      if (!seen.has(m.seq)) order.push(m.seq);
      seen.set(m.seq, m.text);
    }
  };
  record(await renderedMessages(page));
  while (seen.size < total) {
    const moved = await list.evaluate((el) => {
      const before = el.scrollTop;
      el.scrollTop = before + el.clientHeight * 0.8;
      return el.scrollTop !== before;
    });
    if (!moved) break; // at the bottom with messages unread: the caller's comparison shows which
    // Everything above was read and the list moved down by most of a screen: once the rows of the new
    // position are rendered, one of them is a message not read yet.
    let visible: Array<{ seq: number; text: string }> = [];
    await expect
      .poll(
        async () => {
          visible = await renderedMessages(page);
          return visible.some((m) => !seen.has(m.seq));
        },
        { message: `rows below seq ${Math.max(0, ...order)} after scrolling` },
      )
      .toBe(true);
    record(visible);
  }
  return order.map((seq) => ({ seq, text: seen.get(seq)! }));
}

// ---- calls (terminal-core) ----

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

/**
 * Where a page exposes the RTCPeerConnection of its live call: `__parleyCall` for terminal-core calls,
 * `__parleySupportCall` for support calls through the voice proxy, `__parleyProviderCall` for in-app calls
 * of the gateway's built-in provider (the first peer).
 */
export type CallHandle = '__parleyCall' | '__parleySupportCall' | '__parleyProviderCall';

/** The active call's RTCPeerConnection state on a page ('none' without an active call). */
export function peerConnectionState(page: Page, handle: CallHandle = '__parleyCall'): Promise<string> {
  return page.evaluate((name) => {
    const w = window as unknown as Record<
      string,
      { peerConnection(): RTCPeerConnection | undefined } | undefined
    >;
    return w[name]?.peerConnection()?.connectionState ?? 'none';
  }, handle);
}

/** Bytes received so far over every inbound RTP stream of the active call (-1 without one). */
export function inboundBytes(page: Page, handle: CallHandle = '__parleyCall'): Promise<number> {
  return page.evaluate(async (name) => {
    const w = window as unknown as Record<
      string,
      { peerConnection(): RTCPeerConnection | undefined } | undefined
    >;
    const pc = w[name]?.peerConnection();
    if (!pc) return -1;
    let total = 0;
    (await pc.getStats()).forEach((report: { type: string; bytesReceived?: number }) => {
      if (report.type === 'inbound-rtp') total += report.bytesReceived ?? 0;
    });
    return total;
  }, handle);
}

/** The call's RTCPeerConnection reaches `connected` and inbound-rtp bytesReceived keeps growing. */
export async function expectMediaFlowing(page: Page, handle: CallHandle = '__parleyCall'): Promise<void> {
  await expect.poll(() => peerConnectionState(page, handle), { timeout: 20_000 }).toBe('connected');
  const before = await inboundBytes(page, handle);
  await expect
    .poll(() => inboundBytes(page, handle), { timeout: 15_000 })
    .toBeGreaterThan(Math.max(before, 0));
  const later = await inboundBytes(page, handle);
  await expect.poll(() => inboundBytes(page, handle), { timeout: 15_000 }).toBeGreaterThan(later);
}

/** Dials a number from the sidebar dialer. */
export async function dial(page: Page, msisdn: string): Promise<void> {
  await page.getByTestId('dial-input').fill(msisdn);
  await page.getByTestId('dial-button').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
}

// ---- support calls (voice proxy) ----

/** Every text frame the page's WebSockets receive, from the moment this is called. */
export function collectReceivedFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) =>
      frames.push(typeof payload === 'string' ? payload : payload.toString('utf8')),
    ),
  );
  return frames;
}

/** A device with the microphone allowed (Chromium's fake one), logged in as a demo user from the banner. */
export async function openDemoDevice(
  browser: Browser,
  username: 'alice' | 'bob' | 'carol',
): Promise<{ context: BrowserContext; page: Page; userId: string }> {
  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  await page.goto('/');
  await page.locator(`[data-testid="demo-login"][data-username="${username}"]`).click();
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');
  const userId = await page.getByTestId('current-user').getAttribute('data-user-id');
  if (!userId) throw new Error(`no user id shown for ${username}`);
  return { context, page, userId };
}

/** Switches an operator's availability in the open console and waits for the line to confirm it. */
export async function setOperatorAvailable(page: Page, available: boolean): Promise<void> {
  const toggle = page.getByTestId('operator-availability');
  await expect(toggle).toBeVisible();
  if ((await toggle.getAttribute('data-available')) !== String(available)) await toggle.click();
  await expect(toggle).toHaveAttribute('data-available', String(available));
}
