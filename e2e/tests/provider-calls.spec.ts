// Calls in a conversation through the webhook gateway, seen in the web client's call card.
//
// 1. A LiveKit call (the gateway's LIVEKIT_* point at the suite's stand-in, livekit-stand-in.ts): the card
//    follows the webhooks LiveKit would send, signed by the stand-in's helpers with the LiveKit SDK.
// 2. A video invite nobody answers: three tries, then a missed call in the conversation and a Web Push to the
//    callee's browser. Chromium here has no internet, so it cannot reach the push service its own
//    PushManager would subscribe with (Google's FCM): the callee's subscription points at a local push
//    receiver instead (keys made here with node:crypto, as a browser would make them), which checks the
//    gateway's VAPID JWT and decrypts the aes128gcm body; the decrypted payload is then handed to the page's
//    real service worker with DevTools' ServiceWorker.deliverPushMessage, as the browser would on arrival.
// 3. An in-app call of the built-in provider: WebRTC between the browsers, the joiner's complete SDP offer
//    sent to the call's creator as a voice `start` on the conversation, answered with `accept`.
// 4. A video invite on the built-in provider that the callee accepts: the same in-app call.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import {
  liveKitWebhookBody,
  sendLiveKitWebhook,
} from '../../apps/webhook-gateway/test/fake-providers/livekit-server.js';
import {
  WebPushReceiver,
  type TestSubscription,
} from '../../apps/webhook-gateway/test/support-video/web-push-receiver.js';
import {
  api,
  createUser,
  expectMediaFlowing,
  logIn,
  openConversation,
  openDevice,
  type E2eUser,
} from './support.js';

const gatewayUrl = `http://127.0.0.1:${process.env.E2E_WEBHOOK_GATEWAY_PORT}`;
const liveKitCredentials = {
  apiKey: process.env.E2E_LIVEKIT_API_KEY ?? '',
  apiSecret: process.env.E2E_LIVEKIT_API_SECRET ?? '',
};

interface GatewayCall {
  id: string;
  provider: string;
  roomId: string;
  status: string;
}

async function gatewayCall(user: E2eUser, id: string): Promise<GatewayCall> {
  const res = await fetch(`${gatewayUrl}/v1/calls/${id}`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  if (!res.ok) throw new Error(`GET /v1/calls/${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as GatewayCall;
}

/** A webhook about `roomId`, signed as LiveKit signs it, posted to the gateway. */
async function liveKitWebhook(
  roomId: string,
  webhook: Omit<Parameters<typeof liveKitWebhookBody>[0], 'roomName'>,
): Promise<void> {
  const response = await sendLiveKitWebhook({
    url: `${gatewayUrl}/v1/providers/livekit/webhooks`,
    credentials: liveKitCredentials,
    body: liveKitWebhookBody({ ...webhook, roomName: roomId }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

function callCard(page: Page) {
  return page.getByTestId('call-card');
}

async function directConversation(a: E2eUser, b: E2eUser): Promise<string> {
  const conversation = await api<{ id: string }>(a, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [b.id],
    distinct: true,
  });
  return conversation.id;
}

test('a LiveKit call started in a conversation: the other side sees it ring, go active with both, and end with its duration', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conversationId = await directConversation(ann, ben);
  const a = await openDevice(browser, ann);
  const b = await openDevice(browser, ben);
  await openConversation(a.page, conversationId);
  await openConversation(b.page, conversationId);

  // Ann starts the call through LiveKit: the gateway creates the room there and the conversation gets its card.
  await a.page.getByTestId('provider-picker').selectOption('livekit');
  await a.page.getByTestId('start-video-call-button').click();
  const card = callCard(b.page);
  await expect(card).toHaveAttribute('data-status', 'created');
  await expect(card).toHaveAttribute('data-provider', 'livekit');
  await expect(card.getByTestId('call-card-provider')).toHaveText('LiveKit');
  await expect(card.getByTestId('call-card-status')).toHaveText('Calling…');
  await expect(callCard(a.page).getByTestId('call-card-status')).toHaveText('Calling…');

  const gatewayCallId = await card.getAttribute('data-gateway-call-id');
  const call = await gatewayCall(ann, gatewayCallId!);
  expect(call.provider).toBe('livekit');
  const roomCreatedAt = new Date();

  // Both join at LiveKit; LiveKit reports each, and the card follows the edits of its message.
  await liveKitWebhook(call.roomId, { event: 'room_started', roomCreatedAt });
  await liveKitWebhook(call.roomId, { event: 'participant_joined', identity: ann.id, roomCreatedAt });
  await expect(card.getByTestId('call-card-status')).toHaveText('Active · Ann');
  await liveKitWebhook(call.roomId, { event: 'participant_joined', identity: ben.id, roomCreatedAt });
  await expect(card).toHaveAttribute('data-status', 'started');
  await expect(card.getByTestId('call-card-status')).toHaveText('Active · Ann and Ben');
  await expect(callCard(a.page).getByTestId('call-card-status')).toHaveText('Active · Ann and Ben');

  // Tapping Join on a provider without a join link shows the room its app joins.
  await card.getByTestId('call-card-join').click();
  await expect(card.getByTestId('call-card-room')).toContainText(call.roomId);

  // The room closes 65 s after LiveKit created it: LiveKit's duration is measured from the room's creation.
  await liveKitWebhook(call.roomId, {
    event: 'room_finished',
    roomCreatedAt: new Date(Date.now() - 65_000),
  });
  await expect(card).toHaveAttribute('data-status', 'ended');
  await expect(card.getByTestId('call-card-status')).toHaveText('Ended · 1:05');
  await expect(callCard(a.page).getByTestId('call-card-status')).toHaveText('Ended · 1:05');
  await expect(card.getByTestId('call-card-join')).toHaveCount(0);

  await a.context.close();
  await b.context.close();
});

/**
 * A device whose browser push subscription is `subscription` (at the test's receiver): PushManager.subscribe
 * answers it, as a browser answers with its push service's endpoint and the keys it made. Notifications
 * are allowed, so the client subscribes by itself after log-in.
 */
async function openPushDevice(
  context: BrowserContext,
  user: E2eUser,
  subscription: TestSubscription,
): Promise<Page> {
  await context.grantPermissions(['notifications']);
  await context.addInitScript((json) => {
    PushManager.prototype.subscribe = async function subscribe() {
      return { ...json, expirationTime: null, toJSON: () => json } as unknown as PushSubscription;
    };
  }, subscription.json);
  const page = await context.newPage();
  await logIn(page, user);
  return page;
}

/** The id DevTools knows the page's service worker registration by. */
async function serviceWorkerRegistrationId(
  page: Page,
): Promise<{ id: string; cdp: import('@playwright/test').CDPSession }> {
  const cdp = await page.context().newCDPSession(page);
  const registrations = new Map<string, string>();
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: updated }) => {
    for (const r of updated) {
      if (r.isDeleted) registrations.delete(r.registrationId);
      else registrations.set(r.registrationId, r.scopeURL);
    }
  });
  await cdp.send('ServiceWorker.enable');
  const scope = new URL('/', page.url()).href;
  await expect
    .poll(() => [...registrations].find(([, scopeUrl]) => scopeUrl === scope)?.[0], {
      message: 'the page registered its service worker',
    })
    .toBeTruthy();
  return { id: [...registrations].find(([, scopeUrl]) => scopeUrl === scope)![0], cdp };
}

test('a video invite nobody answers rings three times, then is a missed call in the conversation and a push the callee’s service worker shows', async ({
  browser,
}) => {
  const receiver = await WebPushReceiver.start();
  try {
    const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
    const conversationId = await directConversation(ann, ben);
    const subscription = receiver.subscribe();

    const benContext = await browser.newContext();
    const b = await openPushDevice(benContext, ben, subscription);
    await expect(b.getByTestId('missed-call-push-toggle')).toHaveAttribute('aria-pressed', 'true');
    const a = await openDevice(browser, ann);
    await openConversation(a.page, conversationId);

    // Ann rings Ben; his device rings (he never answers) while the gateway tries again.
    await a.page.getByTestId('video-invite-button').click();
    const outgoing = a.page.getByTestId('video-invite-outgoing');
    await expect(outgoing).toHaveAttribute('data-status', 'inviting');
    await expect(outgoing.getByTestId('video-invite-tries')).toHaveText(/^Ringing… \(try [123] of 3\)$/);
    await expect(b.getByTestId('video-invite-incoming')).toHaveAttribute('data-caller-id', ann.id);
    await expect(outgoing.getByTestId('video-invite-tries')).toHaveText('Ringing… (try 3 of 3)');

    // The window ends: missed for the caller, a missed call in the conversation for both.
    await expect(outgoing).toHaveAttribute('data-status', 'missed', { timeout: 20_000 });
    await expect(outgoing.getByTestId('video-invite-tries')).toHaveText('No answer · missed video call');
    await expect(b.getByTestId('video-invite-incoming')).toHaveCount(0);
    await expect(callCard(a.page).getByTestId('call-card-status')).toHaveText('Missed video call');
    await openConversation(b, conversationId);
    await expect(callCard(b).getByTestId('call-card-status')).toHaveText('Missed video call');

    // The push reached Ben's subscription, VAPID-signed and encrypted for his keys.
    await expect.poll(() => receiver.receivedBy(subscription).length, { timeout: 20_000 }).toBe(1);
    expect(receiver.rejected).toEqual([]);
    const [push] = receiver.receivedBy(subscription);
    expect(new URL(push!.claims.aud).origin).toBe(receiver.origin);
    const payload = JSON.parse(push!.plaintext) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'video.missed', title: 'Missed video call', conversationId });

    // Handed to Ben's service worker as the browser would on arrival: it shows the notification and tells
    // the open page.
    const { id: registrationId, cdp } = await serviceWorkerRegistrationId(b);
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: new URL(b.url()).origin,
      registrationId,
      data: push!.plaintext,
    });
    const notice = b.getByTestId('missed-call-notice');
    await expect(notice).toHaveAttribute('data-invite-id', String(payload.inviteId));
    await expect(notice).toContainText('Missed video call');
    await expect
      .poll(() =>
        b.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration('/');
          const shown = (await registration?.getNotifications()) ?? [];
          return shown.map((n) => `${n.title}: ${n.body}`);
        }),
      )
      .toEqual(['Missed video call: You missed a video call']);

    await cdp.detach();
    await a.context.close();
    await benContext.close();
  } finally {
    await receiver.close();
  }
});

test('an in-app call of the built-in provider: Join connects to the caller with media both ways, and the last one out ends it', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conversationId = await directConversation(ann, ben);
  const open = async (user: E2eUser) => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    await logIn(page, user);
    await openConversation(page, conversationId);
    return { context, page };
  };
  const a = await open(ann);
  const b = await open(ben);

  // Ann starts a Parley call: she is in it (hosting), so it is active with her.
  await a.page.getByTestId('provider-picker').selectOption('parley');
  await a.page.getByTestId('start-video-call-button').click();
  await expect(a.page.getByTestId('in-app-call')).toHaveAttribute('data-state', 'waiting');
  const card = callCard(b.page);
  await expect(card).toHaveAttribute('data-provider', 'parley');
  await expect(card.getByTestId('call-card-status')).toHaveText('Active · Ann');

  // Ben joins from the card: his offer goes to Ann's client, which answers; media flows both ways.
  await card.getByTestId('call-card-join').click();
  await expect(b.page.getByTestId('in-app-call')).toHaveAttribute('data-role', 'guest');
  await expect(b.page.getByTestId('in-app-call')).toHaveAttribute('data-state', 'connected');
  await expect(card.getByTestId('call-card-status')).toHaveText('Active · Ann and Ben');
  await expect(card.getByTestId('call-card-join')).toHaveCount(0);
  await expectMediaFlowing(b.page, '__parleyProviderCall');
  await expectMediaFlowing(a.page, '__parleyProviderCall');

  // Ben hangs up: Ann stays in the call, waiting; when she hangs up too, the call is over.
  await b.page.getByTestId('in-app-call-hangup').click();
  await expect(b.page.getByTestId('in-app-call')).toHaveCount(0);
  await expect(card.getByTestId('call-card-status')).toHaveText('Active · Ann');
  await expect(a.page.getByTestId('in-app-call')).toHaveAttribute('data-state', 'waiting');
  await a.page.getByTestId('in-app-call-hangup').click();
  await expect(card).toHaveAttribute('data-status', 'ended');
  await expect(card.getByTestId('call-card-status')).toHaveText(/^Ended · 0:\d\d$/);
  await expect(callCard(a.page).getByTestId('call-card-status')).toHaveText(/^Ended · 0:\d\d$/);

  await a.context.close();
  await b.context.close();
});

test('a video invite answered: the callee accepts, joins the in-app call and talks to the caller', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conversationId = await directConversation(ann, ben);
  const open = async (user: E2eUser) => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    await logIn(page, user);
    return { context, page };
  };
  const a = await open(ann);
  const b = await open(ben);
  await openConversation(a.page, conversationId);

  await a.page.getByTestId('provider-picker').selectOption('parley');
  await a.page.getByTestId('video-invite-button').click();
  const incoming = b.page.getByTestId('video-invite-incoming');
  await expect(incoming).toHaveAttribute('data-caller-id', ann.id);
  // Nobody is in the call while it rings, so it could still end as missed.
  await expect(callCard(a.page)).toHaveAttribute('data-status', 'ringing');
  await expect(a.page.getByTestId('in-app-call')).toHaveCount(0);

  await incoming.getByTestId('video-invite-accept').click();
  await expect(incoming).toHaveCount(0);
  await expect(a.page.getByTestId('video-invite-outgoing')).toHaveAttribute('data-status', 'answered');
  await expect(b.page.getByTestId('in-app-call')).toHaveAttribute('data-state', 'connected');
  await expectMediaFlowing(b.page, '__parleyProviderCall');
  await expectMediaFlowing(a.page, '__parleyProviderCall');
  // Names in the order they joined: here the callee's join may reach the gateway first.
  await expect(callCard(a.page).getByTestId('call-card-status')).toHaveText(
    /^Active · (Ann and Ben|Ben and Ann)$/,
  );

  await b.page.getByTestId('in-app-call-hangup').click();
  await a.page.getByTestId('in-app-call-hangup').click();
  await expect(callCard(a.page)).toHaveAttribute('data-status', 'ended');

  await a.context.close();
  await b.context.close();
});
