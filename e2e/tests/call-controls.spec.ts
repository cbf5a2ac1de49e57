// Call controls between two browsers: mute reaches the other side as silence, a screen share reaches it
// as different video (Chromium's fake camera, microphone and screen capture).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createUserWithMsisdn, dial, expectMediaFlowing, openCallDevice } from './support.js';

// Chromium picks the (fake) screen without showing its picker; the rest comes from playwright.config.ts.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--auto-select-desktop-capture-source=Entire screen',
    ],
  },
});

interface Inbound {
  /** totalAudioEnergy of the inbound audio (grows while sound arrives, stays put during silence). */
  audioEnergy: number;
  videoBytes: number;
  frameWidth: number;
  frameHeight: number;
  videoTrackIds: string[];
}

/** What the page's active call receives, from getStats() and its receivers. */
function inbound(page: Page): Promise<Inbound | null> {
  return page.evaluate(async () => {
    const w = window as unknown as { __parleyCall?: { peerConnection(): RTCPeerConnection | undefined } };
    const pc = w.__parleyCall?.peerConnection();
    if (!pc) return null;
    const out = {
      audioEnergy: 0,
      videoBytes: 0,
      frameWidth: 0,
      frameHeight: 0,
      videoTrackIds: [] as string[],
    };
    (await pc.getStats()).forEach(
      (r: {
        type: string;
        kind?: string;
        totalAudioEnergy?: number;
        bytesReceived?: number;
        frameWidth?: number;
        frameHeight?: number;
      }) => {
        if (r.type !== 'inbound-rtp') return;
        if (r.kind === 'audio') out.audioEnergy += r.totalAudioEnergy ?? 0;
        if (r.kind === 'video') {
          out.videoBytes += r.bytesReceived ?? 0;
          if ((r.bytesReceived ?? 0) > 0 && r.frameWidth) {
            out.frameWidth = r.frameWidth;
            out.frameHeight = r.frameHeight ?? 0;
          }
        }
      },
    );
    out.videoTrackIds = pc
      .getReceivers()
      .filter(
        (r) =>
          r.track.kind === 'video' &&
          pc
            .getTransceivers()
            .some(
              (t) =>
                t.receiver === r && (t.currentDirection === 'sendrecv' || t.currentDirection === 'recvonly'),
            ),
      )
      .map((r) => r.track.id);
    return out;
  });
}

/** How much audio energy arrives over `ms`: clearly above zero while the far end sends sound. */
async function audioEnergyOver(page: Page, ms = 2500): Promise<number> {
  const before = (await inbound(page))!.audioEnergy;
  await page.waitForTimeout(ms);
  return (await inbound(page))!.audioEnergy - before;
}

async function connectedCall(browser: Parameters<typeof openCallDevice>[0], video: boolean) {
  const [ann, ben] = await Promise.all([createUserWithMsisdn('Ann'), createUserWithMsisdn('Ben')]);
  const a = await openCallDevice(browser, ann);
  const b = await openCallDevice(browser, ben);
  if (!video) await a.page.getByTestId('dial-video').uncheck();
  await dial(a.page, ben.msisdn);
  await b.page.getByTestId('accept-call').click();
  await expect(a.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await expect(b.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await Promise.all([expectMediaFlowing(a.page), expectMediaFlowing(b.page)]);
  return { a, b };
}

test('mute: the other side receives silence while A is muted and sound again after unmuting', async ({
  browser,
}) => {
  const { a, b } = await connectedCall(browser, false);
  const mic = a.page.getByTestId('mic-toggle');
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => audioEnergyOver(b.page), { timeout: 20_000 }).toBeGreaterThan(0.001);

  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  await expect(mic).toHaveText('Unmute');
  // Give what was in flight time to arrive, then the energy stands still.
  await expect.poll(() => audioEnergyOver(b.page), { timeout: 20_000 }).toBeLessThan(0.0001);

  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => audioEnergyOver(b.page), { timeout: 20_000 }).toBeGreaterThan(0.001);

  // Timer and network quality show on the active call (two pages on one machine: good).
  await expect(a.page.getByTestId('call-timer')).toHaveText(/^\d+:\d\d$/);
  await expect(a.page.getByTestId('call-quality')).toHaveAttribute('data-quality', 'good', {
    timeout: 20_000,
  });

  // Full screen for the call window, and back.
  const fullscreen = a.page.getByTestId('fullscreen-toggle');
  await fullscreen.click();
  await expect(fullscreen).toHaveAttribute('aria-pressed', 'true');
  expect(await a.page.evaluate(() => document.fullscreenElement?.getAttribute('data-testid'))).toBe(
    'in-call',
  );
  await fullscreen.click();
  await expect(fullscreen).toHaveAttribute('aria-pressed', 'false');

  await a.page.getByTestId('hangup-button').click();
  await expect(b.page.getByTestId('call-ended')).toHaveAttribute('data-reason', 'hangup');
  await a.context.close();
  await b.context.close();
});

test('screen share in a video call: the other side’s video switches from the camera to the screen and back', async ({
  browser,
}) => {
  const { a, b } = await connectedCall(browser, true);
  await expect.poll(async () => (await inbound(b.page))!.frameWidth, { timeout: 20_000 }).toBeGreaterThan(0);
  const camera = (await inbound(b.page))!;
  console.log(`  camera at B: ${camera.frameWidth}x${camera.frameHeight}`);

  const share = a.page.getByTestId('screen-share-toggle');
  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'true');
  await expect
    .poll(
      async () => {
        const now = (await inbound(b.page))!;
        return `${now.frameWidth}x${now.frameHeight}`;
      },
      { timeout: 30_000 },
    )
    .not.toBe(`${camera.frameWidth}x${camera.frameHeight}`);
  const screen = (await inbound(b.page))!;
  console.log(`  screen at B: ${screen.frameWidth}x${screen.frameHeight}`);

  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'false');
  // Back to the camera's shape: WebRTC may scale the camera to a different size than before under CPU
  // load, so the aspect ratio (camera 4:3, screen 16:9) is what tells the sources apart.
  const ratio = (w: number, h: number) => Math.round((w / h) * 100) / 100;
  await expect
    .poll(
      async () => {
        const now = (await inbound(b.page))!;
        return now.frameHeight > 0 ? ratio(now.frameWidth, now.frameHeight) : 0;
      },
      { timeout: 30_000 },
    )
    .toBe(ratio(camera.frameWidth, camera.frameHeight));

  await a.page.getByTestId('hangup-button').click();
  await a.context.close();
  await b.context.close();
});

test('screen share in an audio call adds a video track through a renegotiation; B receives it', async ({
  browser,
}) => {
  const { a, b } = await connectedCall(browser, false);
  const before = (await inbound(b.page))!;
  expect(before.videoTrackIds).toEqual([]);

  await a.page.getByTestId('screen-share-toggle').click();
  await expect(a.page.getByTestId('screen-share-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await inbound(b.page))!.videoTrackIds.length, { timeout: 30_000 }).toBe(1);
  const first = (await inbound(b.page))!.videoBytes;
  await expect
    .poll(async () => (await inbound(b.page))!.videoBytes, { timeout: 30_000 })
    .toBeGreaterThan(first);
  await expect.poll(async () => (await inbound(b.page))!.frameWidth, { timeout: 30_000 }).toBeGreaterThan(0);
  // Still one call, audio still flowing both ways after the new offer/answer.
  await expect(b.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await expect.poll(() => audioEnergyOver(b.page), { timeout: 20_000 }).toBeGreaterThan(0.001);

  await a.page.getByTestId('hangup-button').click();
  await expect(b.page.getByTestId('call-ended')).toHaveAttribute('data-reason', 'hangup');
  await a.context.close();
  await b.context.close();
});

test('calls in the conversation history: an answered call with its duration, then a missed one', async ({
  browser,
}) => {
  const placed = Date.now();
  const { a, b } = await connectedCall(browser, true);
  await a.page.waitForTimeout(2200);
  await a.page.getByTestId('hangup-button').click();
  await expect(b.page.getByTestId('call-ended')).toHaveAttribute('data-reason', 'hangup');
  // The call lasted at least the 2.2 s held here, and at most as long as this test has been calling: on a
  // busy machine connecting takes a while.
  const atMostSeconds = Math.ceil((Date.now() - placed) / 1000);

  // messaging logged it in their direct conversation (created for the call): both see it there.
  const entryOn = async (page: Page) => {
    await page.getByTestId('conversation-item').first().click();
    return page.getByTestId('call-log');
  };
  const seconds = async (entry: Locator) => {
    await expect(entry).toHaveText(/^Video call, \d+:\d{2}$/);
    const [, minutes, secs] = /(\d+):(\d{2})$/.exec((await entry.textContent()) ?? '')!;
    return Number(minutes) * 60 + Number(secs);
  };
  const onB = await entryOn(b.page);
  await expect(onB).toHaveAttribute('data-outcome', 'completed');
  const onBSeconds = await seconds(onB);
  expect(onBSeconds).toBeGreaterThanOrEqual(2);
  expect(onBSeconds).toBeLessThanOrEqual(atMostSeconds);
  const onA = await entryOn(a.page);
  expect(await seconds(onA)).toBe(onBSeconds);

  // A calls again and gives up while B's page rings: B sees a missed call, A that nobody answered.
  await a.page.getByTestId('call-ended-dismiss').click();
  await a.page.getByTestId('chat-call-button').click();
  await expect(b.page.getByTestId('incoming-call')).toBeVisible();
  await a.page.getByTestId('hangup-button').click();
  await expect(b.page.getByTestId('incoming-call')).toHaveCount(0);
  await expect(b.page.getByTestId('call-log').last()).toHaveText('Missed video call');
  await expect(b.page.getByTestId('call-log').last()).toHaveAttribute('data-outcome', 'missed');
  await expect(a.page.getByTestId('call-log').last()).toHaveText('No answer');

  await a.context.close();
  await b.context.close();
});
