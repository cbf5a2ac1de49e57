// Support calls through the voice proxy: a customer calls the support line from their support conversation;
// the line rings the operators (the demo users bob and carol, SUPPORT_OPERATORS of the e2e run) one at a time
// and bridges the call, so media flows browser to browser while every signal goes through the proxy.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import {
  collectReceivedFrames,
  createUser,
  expectMediaFlowing,
  logIn,
  openDemoDevice,
  peerConnectionState,
  setOperatorAvailable,
  type E2eUser,
} from './support.js';

interface Operator {
  username: 'bob' | 'carol';
  userId: string;
  context: BrowserContext;
  page: Page;
}

/** An operator logged in with the console open. */
async function openOperator(browser: Browser, username: Operator['username']): Promise<Operator> {
  const device = await openDemoDevice(browser, username);
  await device.page.getByTestId('support-console-button').click();
  await expect(device.page.getByTestId('operator-console')).toBeVisible();
  return { username, ...device };
}

/** A customer device whose received WebSocket frames are all kept, with the support conversation open. */
async function openCustomer(browser: Browser, customer: E2eUser) {
  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  const frames = collectReceivedFrames(page);
  await logIn(page, customer);
  await page.getByTestId('support-button').click();
  await expect(page.getByTestId('chat-title')).toHaveText('Support');
  return { context, page, frames };
}

/** The operator whose console rings, once one does. */
async function ringingOperator(operators: readonly Operator[]): Promise<Operator> {
  let ringing: Operator | undefined;
  await expect
    .poll(
      async () => {
        for (const operator of operators) {
          if (await operator.page.getByTestId('operator-incoming').isVisible()) {
            ringing = operator;
            return operator.username;
          }
        }
        return 'none';
      },
      { message: 'an operator rings', timeout: 20_000 },
    )
    .not.toBe('none');
  return ringing!;
}

/** Operators never stay available after a scenario: other specs log in as the same demo users. */
async function closeOperators(operators: readonly Operator[]): Promise<void> {
  for (const operator of operators) {
    await setOperatorAvailable(operator.page, false).catch(() => undefined);
    await operator.context.close();
  }
}

const supportCall = (page: Page) => page.getByTestId('support-call');

test('a customer calls support: the first operator declines, the second answers, media flows, hang up ends both', async ({
  browser,
}) => {
  const operators = [await openOperator(browser, 'bob'), await openOperator(browser, 'carol')];
  try {
    for (const operator of operators) await setOperatorAvailable(operator.page, true);
    const customer = await openCustomer(browser, await createUser('Customer'));

    await customer.page.getByTestId('support-call-button').click();
    await expect(supportCall(customer.page)).toHaveAttribute('data-state', 'ringing');
    const callId = await supportCall(customer.page).getAttribute('data-call-id');
    expect(callId).toBeTruthy();

    const first = await ringingOperator(operators);
    await first.page.getByTestId('operator-decline').click();
    await expect(first.page.getByTestId('operator-incoming')).toHaveCount(0);

    const second = operators.find((o) => o !== first)!;
    await expect(second.page.getByTestId('operator-incoming')).toBeVisible({ timeout: 20_000 });
    await second.page.getByTestId('operator-accept').click();
    await expect(second.page.getByTestId('operator-call')).toHaveAttribute('data-state', 'connected');
    await expect(supportCall(customer.page)).toHaveAttribute('data-state', 'connected');
    // The operator who declined is not rung again while the call lasts.
    await expect(first.page.getByTestId('operator-incoming')).toHaveCount(0);

    await Promise.all([
      expectMediaFlowing(customer.page, '__parleySupportCall'),
      expectMediaFlowing(second.page, '__parleySupportCall'),
    ]);
    await expect(customer.page.getByTestId('support-call-timer')).toBeVisible();
    await expect(second.page.getByTestId('operator-call-timer')).toBeVisible();

    await customer.page.getByTestId('support-hangup').click();
    await expect(supportCall(customer.page)).toHaveAttribute('data-state', 'ended');
    await expect(second.page.getByTestId('operator-call')).toHaveCount(0);
    expect(await peerConnectionState(customer.page, '__parleySupportCall')).toBe('none');
    expect(await peerConnectionState(second.page, '__parleySupportCall')).toBe('none');

    const record = second.page.locator(`[data-testid="operator-history-item"][data-call-id="${callId}"]`);
    await expect(record).toHaveAttribute('data-state', 'ended');
    await expect(record).toHaveAttribute('data-answered', 'true');

    // The customer's page never learnt who the operators are: every signal came from the line.
    const received = customer.frames.join('\n');
    expect(customer.frames.length).toBeGreaterThan(0);
    for (const operator of operators) {
      expect(received, `frames naming ${operator.username}`).not.toContain(operator.userId);
      expect(received, `frames naming ${operator.username}`).not.toContain(operator.username);
    }
    await customer.context.close();
  } finally {
    await closeOperators(operators);
  }
});

test('nobody answers: the customer reads that support is busy and the conversation shows a missed call', async ({
  browser,
}) => {
  const operators = [await openOperator(browser, 'bob'), await openOperator(browser, 'carol')];
  try {
    for (const operator of operators) await setOperatorAvailable(operator.page, true);
    const customer = await openCustomer(browser, await createUser('Customer'));

    await customer.page.getByTestId('support-call-button').click();
    await expect(supportCall(customer.page)).toHaveAttribute('data-state', 'ringing');
    // Each operator rings until the proxy's ring timeout (VOICE_RING_TIMEOUT_MS of the e2e run) and stops.
    await ringingOperator(operators);
    await expect(supportCall(customer.page)).toHaveAttribute('data-state', 'busy', { timeout: 45_000 });
    await expect(customer.page.getByTestId('support-busy')).toHaveText(
      'Support is busy — we’ll call you back',
    );
    for (const operator of operators)
      await expect(operator.page.getByTestId('operator-incoming')).toHaveCount(0);

    const missed = customer.page.locator('[data-testid="call-log"][data-outcome="missed"]');
    await expect(missed).toBeVisible({ timeout: 20_000 });
    await expect(missed).toHaveText('No answer');
    await customer.context.close();
  } finally {
    await closeOperators(operators);
  }
});
