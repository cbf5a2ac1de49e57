import { deflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession } from '@parley/protocol';
import { Messenger, ParleyApiError, type UploadProgress } from '../src/index.js';
import { nodeWebSocket } from '../src/node.js';
import { eventually, startMessagingForTests, type MessagingForTests } from '@parley/testing';

const MAX_BYTES = 300_000;
let server: MessagingForTests;
const open: Messenger[] = [];

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A real RGB PNG of one colour, encoded by hand (the SDK has no image library). */
function png(width: number, height: number): Buffer {
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
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x7f)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function connect(session: AuthSession): Promise<Messenger> {
  const m = await Messenger.connect({ baseUrl: server.url, session, createWebSocket: nodeWebSocket });
  open.push(m);
  return m;
}

async function pair() {
  const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
  const [ann, ben] = await Promise.all([connect(annS), connect(benS)]);
  await Promise.all([ann.synced(), ben.synced()]);
  const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
  await eventually(() => ben.conversation(conv.id) !== undefined, 'ben knows the conversation');
  return { conv, benConv: () => ben.conversation(conv.id)! };
}

beforeAll(async () => {
  server = await startMessagingForTests({
    label: 'sdk_attachments',
    env: { ATTACHMENT_MAX_BYTES: String(MAX_BYTES) },
  });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});
afterAll(async () => server?.stop());

describe('sending attachments', () => {
  it('uploads with progress, sends through the outbox with a caption, and the other side downloads it', async () => {
    const { conv, benConv } = await pair();
    const bytes = png(300, 200);
    const progress: UploadProgress[] = [];
    const sent = await conv.sendAttachment(
      { name: 'square.png', type: 'image/png', data: bytes },
      { caption: 'a grey rectangle', onProgress: (p) => progress.push(p) },
    );
    expect(sent.parts).toEqual([
      expect.objectContaining({
        mimeType: 'image/png',
        name: 'square.png',
        width: 300,
        height: 200,
        thumbnail: true,
      }),
      { mimeType: 'text/plain', body: 'a grey rectangle' },
    ]);
    expect(progress.at(-1)!.loaded).toBe(progress.at(-1)!.total);
    expect(progress.at(-1)!.total).toBeGreaterThan(bytes.length);

    await eventually(() => benConv().messages().length === 1, 'ben has the message');
    const part = benConv().messages()[0]!.parts[0]!;
    const url = await benConv().attachmentUrl(part);
    expect(await benConv().attachmentUrl(part)).toBe(url); // cached until near expiry
    const res = await fetch(url);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const thumb = await fetch(await benConv().attachmentUrl(part, 'thumbnail'));
    expect(thumb.headers.get('content-type')).toBe('image/webp');
  });

  it('takes a Blob too', async () => {
    const { conv } = await pair();
    const sent = await conv.sendAttachment(new Blob(['plain words\n'], { type: 'text/plain' }));
    expect(sent.parts[0]).toMatchObject({ mimeType: 'text/plain', name: 'file', size: 12 });
  });

  it('a cancelled upload rejects with AbortError and queues nothing', async () => {
    const { conv } = await pair();
    const controller = new AbortController();
    const sending = conv.sendAttachment(
      { name: 'big.png', type: 'image/png', data: png(200, 200) },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(sending).rejects.toMatchObject({ name: 'AbortError' });
    expect(conv.outgoingMessages()).toEqual([]);
    expect(conv.messages()).toEqual([]);
  });

  it('an upload the server refuses rejects with its status and message, and queues nothing', async () => {
    const { conv } = await pair();
    const tooBig = conv.sendAttachment({
      name: 'big.txt',
      type: 'text/plain',
      data: 'a'.repeat(MAX_BYTES + 1),
    });
    await expect(tooBig).rejects.toBeInstanceOf(ParleyApiError);
    await expect(tooBig).rejects.toMatchObject({
      status: 413,
      message: `the file is over the limit of ${MAX_BYTES} bytes`,
    });
    const lying = conv.sendAttachment({ name: 'fake.png', type: 'image/png', data: 'not a picture' });
    await expect(lying).rejects.toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(conv.outgoingMessages()).toEqual([]);
  });
});
