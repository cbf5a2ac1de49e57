// Calls between browsers through terminal-core: the web client's SDK Terminal registers each page for its
// user's msisdn; media flows page to page (Chromium's fake camera and microphone).
import { expect, test, type Page } from '@playwright/test';
import {
  api,
  createUserWithMsisdn,
  dial,
  expectMediaFlowing,
  openCallDevice,
  openConversation,
  peerConnectionState,
} from './support.js';

/** Logs how long a step took, for the report. */
async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  console.log(`  ${label}: ${Date.now() - started} ms`);
  return result;
}

const incoming = (page: Page) => page.getByTestId('incoming-call');
const callState = (page: Page) => page.getByTestId('call-state');
const callEnded = (page: Page) => page.getByTestId('call-ended');

test('A calls B: B rings and answers, media flows both ways, hang up ends both', async ({ browser }) => {
  const [ann, ben] = await Promise.all([createUserWithMsisdn('Ann'), createUserWithMsisdn('Ben')]);
  const a = await openCallDevice(browser, ann);
  const b = await openCallDevice(browser, ben);

  await timed('dial → callee rings', async () => {
    await dial(a.page, ben.msisdn);
    await expect(incoming(b.page)).toBeVisible();
  });
  await expect(incoming(b.page)).toHaveAttribute('data-from', ann.msisdn);
  await expect(callState(a.page)).toHaveAttribute('data-state', 'ringing');

  await timed('answer → both active', async () => {
    await b.page.getByTestId('accept-call').click();
    await expect(callState(b.page)).toHaveAttribute('data-state', 'active');
    await expect(callState(a.page)).toHaveAttribute('data-state', 'active');
  });
  await expect(incoming(b.page)).toHaveCount(0);
  await timed('media flowing on both sides', () =>
    Promise.all([expectMediaFlowing(a.page), expectMediaFlowing(b.page)]),
  );
  await expect(a.page.getByTestId('remote-video')).toBeVisible();
  await expect(a.page.getByTestId('local-video')).toBeVisible();

  await timed('hang up → both ended', async () => {
    await a.page.getByTestId('hangup-button').click();
    await expect(callEnded(a.page)).toHaveAttribute('data-reason', 'hangup');
    await expect(callEnded(b.page)).toHaveAttribute('data-reason', 'hangup');
  });
  await expect(a.page.getByTestId('in-call')).toHaveCount(0);
  await expect(b.page.getByTestId('in-call')).toHaveCount(0);
  expect(await peerConnectionState(a.page)).toBe('none');
  expect(await peerConnectionState(b.page)).toBe('none');

  await a.context.close();
  await b.context.close();
});

test('calling from a direct conversation; B declines and the caller sees the call rejected', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUserWithMsisdn('Ann'), createUserWithMsisdn('Ben')]);
  const chat = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const a = await openCallDevice(browser, ann);
  const b = await openCallDevice(browser, ben);

  // Ben is a participant with a number: the chat header and the dialer's contacts offer to call him.
  await openConversation(a.page, chat.id);
  await expect(a.page.locator(`[data-testid="dial-contact"][data-msisdn="${ben.msisdn}"]`)).toBeVisible();
  await a.page.getByTestId('chat-call-button').click();
  await expect(incoming(b.page)).toBeVisible();
  await expect(incoming(b.page)).toContainText('Ann');
  await timed('decline → caller told', async () => {
    await b.page.getByTestId('decline-call').click();
    await expect(callEnded(a.page)).toHaveAttribute('data-reason', 'rejected');
  });
  await expect(incoming(b.page)).toHaveCount(0);
  await expect(a.page.getByTestId('in-call')).toHaveCount(0);

  await a.context.close();
  await b.context.close();
});

test('forking: both of B’s pages ring, the first answer wins and the other stops ringing', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUserWithMsisdn('Ann'), createUserWithMsisdn('Ben')]);
  const a = await openCallDevice(browser, ann);
  const b1 = await openCallDevice(browser, ben);
  const b2 = await openCallDevice(browser, ben);

  await dial(a.page, ben.msisdn);
  await expect(incoming(b1.page)).toBeVisible();
  await expect(incoming(b2.page)).toBeVisible();

  await timed('answer on page 2 → page 1 stops ringing', async () => {
    await b2.page.getByTestId('accept-call').click();
    await expect(incoming(b1.page)).toHaveCount(0);
  });
  await expect(callEnded(b1.page)).toHaveAttribute('data-reason', 'answered_elsewhere');
  await expect(callState(b2.page)).toHaveAttribute('data-state', 'active');
  await expect(callState(a.page)).toHaveAttribute('data-state', 'active');
  await timed('media flowing between caller and page 2', () =>
    Promise.all([expectMediaFlowing(a.page), expectMediaFlowing(b2.page)]),
  );
  // Page 1 now sees the call on Ben's other device.
  await expect(b1.page.getByTestId('other-device-call')).toBeVisible();

  await b2.page.getByTestId('hangup-button').click();
  await expect(callEnded(a.page)).toHaveAttribute('data-reason', 'hangup');
  await expect(b1.page.getByTestId('other-device-call')).toHaveCount(0);

  for (const d of [a, b1, b2]) await d.context.close();
});

test('pull: B moves the call to a second page, which gets the media; the first page ends with moved', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUserWithMsisdn('Ann'), createUserWithMsisdn('Ben')]);
  const a = await openCallDevice(browser, ann);
  const b1 = await openCallDevice(browser, ben);

  await dial(a.page, ben.msisdn);
  await expect(incoming(b1.page)).toBeVisible();
  // Ben's second page registers while page 1 rings (too late to be offered this call), then observes it.
  const b2 = await openCallDevice(browser, ben);
  await b1.page.getByTestId('accept-call').click();
  await expect(callState(a.page)).toHaveAttribute('data-state', 'active');
  await expect(callState(b1.page)).toHaveAttribute('data-state', 'active');
  await Promise.all([expectMediaFlowing(a.page), expectMediaFlowing(b1.page)]);

  const other = b2.page.getByTestId('other-device-call');
  await expect(other).toBeVisible();
  const callId = await a.page.getByTestId('in-call').getAttribute('data-call-id');
  await expect(other).toHaveAttribute('data-call-id', callId!);

  await timed('pull → page 1 ended (moved), page 2 active', async () => {
    await other.getByTestId('pull-call-button').click();
    await expect(callEnded(b1.page)).toHaveAttribute('data-reason', 'moved');
    await expect(callState(b2.page)).toHaveAttribute('data-state', 'active');
  });
  await timed('media flowing between caller and page 2', () =>
    Promise.all([expectMediaFlowing(b2.page), expectMediaFlowing(a.page)]),
  );
  await expect(callState(a.page)).toHaveAttribute('data-state', 'active');
  // Page 1 now observes the call on page 2 (InCall after the Bye).
  await expect(b1.page.getByTestId('other-device-call')).toHaveAttribute('data-call-id', callId!);

  await a.page.getByTestId('hangup-button').click();
  await expect(callEnded(b2.page)).toHaveAttribute('data-reason', 'hangup');
  await expect(b1.page.getByTestId('other-device-call')).toHaveCount(0);

  for (const d of [a, b1, b2]) await d.context.close();
});

test('move to phone: the call leaves the page and shows as on another device until it ends', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUserWithMsisdn('Ann'), createUserWithMsisdn('Ben')]);
  const a = await openCallDevice(browser, ann);
  const b = await openCallDevice(browser, ben);

  await dial(a.page, ben.msisdn);
  await b.page.getByTestId('accept-call').click();
  await expect(callState(a.page)).toHaveAttribute('data-state', 'active');
  await expect(callState(b.page)).toHaveAttribute('data-state', 'active');

  await timed('to phone → call ended here, listed on another device', async () => {
    await a.page.getByTestId('to-phone-button').click();
    await expect(callEnded(a.page)).toHaveAttribute('data-reason', 'moved_to_phone');
    await expect(a.page.getByTestId('other-device-call')).toBeVisible();
  });
  await expect(callState(b.page)).toHaveAttribute('data-state', 'active');

  await b.page.getByTestId('hangup-button').click();
  await expect(a.page.getByTestId('other-device-call')).toHaveCount(0);

  await a.context.close();
  await b.context.close();
});
