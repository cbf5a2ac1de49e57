import { deflateSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { api, createUser, openConversation, openDevice } from './support.js';

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A real PNG: a horizontal gradient, so the picture has content a broken decode would not reproduce. */
function gradientPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([Math.round((x / width) * 255), 80, 200], 1 + x * 3);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('an image uploaded by one user is shown inline on the other side, and opens full size', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conversation = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const annDevice = await openDevice(browser, ann);
  const benDevice = await openDevice(browser, ben);
  const a = annDevice.page;
  const b = benDevice.page;
  await openConversation(a, conversation.id);
  await openConversation(b, conversation.id);

  // Ann attaches a 640×480 PNG with the paperclip.
  await a.getByTestId('attach-input').setInputFiles({
    name: 'gradient.png',
    mimeType: 'image/png',
    buffer: gradientPng(640, 480),
  });
  await expect(a.getByTestId('message-image')).toHaveAttribute('data-loaded', 'true');
  await expect(a.getByTestId('upload-item')).toHaveCount(0);

  // Ben sees it inline: the thumbnail loaded, in a box of the image's shape reserved before it loaded.
  const image = b.getByTestId('message-image');
  await expect(image).toHaveAttribute('data-loaded', 'true');
  const box = await image.boundingBox();
  expect(box?.width).toBeCloseTo(320, 0);
  expect(box?.height).toBeCloseTo(240, 0);
  const natural = await image
    .locator('img')
    .evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(natural).toEqual([320, 240]);

  // Clicking opens the original in the lightbox; Escape closes it.
  await image.click();
  const full = b.getByTestId('image-lightbox').locator('img');
  await expect(full).toBeVisible();
  await expect
    .poll(() => full.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)))
    .toBe(640);
  await b.keyboard.press('Escape');
  await expect(b.getByTestId('image-lightbox')).toHaveCount(0);

  await annDevice.context.close();
  await benDevice.context.close();
});

test('a file that is not an image arrives as a card with its name, size and a download link', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conversation = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const annDevice = await openDevice(browser, ann);
  const benDevice = await openDevice(browser, ben);
  await openConversation(annDevice.page, conversation.id);
  await openConversation(benDevice.page, conversation.id);

  await annDevice.page.getByTestId('attach-input').setInputFiles({
    name: 'minutes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('1. attachments shipped\n'),
  });
  const card = benDevice.page.getByTestId('message-attachment');
  await expect(card).toContainText('minutes.txt');
  await expect(card).toContainText('23 B');
  const href = await card.getByTestId('attachment-download').getAttribute('href');
  const res = await fetch(href!);
  expect(await res.text()).toBe('1. attachments shipped\n');

  // A file the server refuses (its bytes are not what it claims) shows why, and sends nothing.
  await annDevice.page.getByTestId('attach-input').setInputFiles({
    name: 'fake.png',
    mimeType: 'image/png',
    buffer: Buffer.from('not really a picture'),
  });
  await expect(annDevice.page.getByTestId('upload-error')).toContainText('image/png');
  await expect(benDevice.page.getByTestId('message')).toHaveCount(1);

  await annDevice.context.close();
  await benDevice.context.close();
});

test('a file dropped on the composer is sent; an upload cancelled from its progress bar is not', async ({
  browser,
}) => {
  const [ann, ben] = await Promise.all([createUser('Ann'), createUser('Ben')]);
  const conversation = await api<{ id: string }>(ann, 'POST', '/v1/conversations', {
    type: 'direct',
    participants: [ben.id],
    distinct: true,
  });
  const annDevice = await openDevice(browser, ann);
  const benDevice = await openDevice(browser, ben);
  const a = annDevice.page;
  await openConversation(a, conversation.id);
  await openConversation(benDevice.page, conversation.id);

  // Drag and drop: the page builds the File itself, as a drop from the desktop would deliver it.
  const png = gradientPng(200, 100).toString('base64');
  await a.getByTestId('composer-input').evaluate((target, base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
    for (const type of ['dragenter', 'dragover', 'drop'])
      target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  }, png);
  const dropped = benDevice.page.getByTestId('message-image');
  await expect(dropped).toHaveAttribute('data-loaded', 'true');
  await expect(dropped).toHaveAccessibleName('Open image dropped.png (200×100)');

  // Hold the next upload on its way so it can be cancelled while in progress.
  let releaseUpload: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (releaseUpload = resolve));
  await a.route('**/attachments', async (route) => {
    await held;
    await route.continue().catch(() => undefined); // the browser already gave up on it
  });
  await a.getByTestId('attach-input').setInputFiles({
    name: 'never.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('this upload is cancelled'),
  });
  const upload = a.getByTestId('upload-item');
  await expect(upload).toHaveAttribute('data-state', 'uploading');
  await expect(upload.getByTestId('upload-progress')).toBeVisible();
  await upload.getByTestId('upload-cancel').click();
  await expect(upload).toHaveCount(0);
  releaseUpload();
  await expect(a.getByTestId('outgoing-message')).toHaveCount(0);
  await expect(benDevice.page.getByTestId('message')).toHaveCount(1);

  await annDevice.context.close();
  await benDevice.context.close();
});
