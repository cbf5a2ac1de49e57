import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import sharp from 'sharp';
import { eventually } from '@parley/testing';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { AttachmentsService } from '../src/attachments/attachments.service.js';
import { pngImage, uploadFile, wavSound } from './support/attachment-files.js';

const MAX_BYTES = 200_000;
const storageDir = mkdtempSync(join(tmpdir(), 'parley-attachments-'));
let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser, cat: TestUser;

async function group(owner: TestUser, ...others: TestUser[]): Promise<string> {
  const res = await svc.api.post('/v1/conversations', owner.token, {
    type: 'group',
    participants: others.map((o) => o.id),
  });
  return res.body.id;
}

const upload = (
  user: TestUser,
  conversationId: string,
  file: { name: string; type: string; bytes: Uint8Array },
) => uploadFile(svc.url, user.token, conversationId, file);

async function uploadPng(user: TestUser, conversationId: string, width = 640, height = 480) {
  const res = await upload(user, conversationId, {
    name: 'photo.png',
    type: 'image/png',
    bytes: await pngImage(width, height),
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; mimeType: string };
}

function sendWith(user: TestUser, conversationId: string, parts: unknown[]) {
  return svc.api.post(`/v1/conversations/${conversationId}/messages`, user.token, {
    clientMessageId: `a-${Math.random().toString(36).slice(2)}`,
    parts,
  });
}

const urlsOf = (user: TestUser, conversationId: string, attachmentId: string) =>
  svc.api.get(`/v1/conversations/${conversationId}/attachments/${attachmentId}/url`, user.token);

async function download(
  path: string,
): Promise<{ status: number; type: string | null; bytes: Buffer; headers: Headers }> {
  const res = await fetch(`${svc.url}${path}`);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: Buffer.from(await res.arrayBuffer()),
    headers: res.headers,
  };
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('attachments', {
    ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
    ATTACHMENT_DIR: storageDir,
  });
  [ann, ben, cat] = await Promise.all([
    svc.api.newUser('ann'),
    svc.api.newUser('ben'),
    svc.api.newUser('cat'),
  ]);
});
afterAll(async () => {
  await svc?.stop();
  rmSync(storageDir, { recursive: true, force: true });
});
afterEach(() => vi.useRealTimers());

describe('uploading and sending an image', () => {
  it('stores the sniffed type, the dimensions and a thumbnail, and the other participant sees the image', async () => {
    const id = await group(ann, ben);
    const bytes = await pngImage(640, 480);
    const up = await upload(ann, id, { name: 'holiday.png', type: 'image/png', bytes });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      conversationId: id,
      uploaderId: ann.id,
      name: 'holiday.png',
      mimeType: 'image/png',
      size: bytes.length,
      image: { width: 640, height: 480 },
      hasThumbnail: true,
      messageId: null,
    });

    const sent = await sendWith(ann, id, [
      { mimeType: 'image/png', attachmentId: up.body.id },
      { mimeType: 'text/plain', body: 'the beach' },
    ]);
    expect(sent.status).toBe(201);
    expect(sent.body.parts[0]).toEqual({
      mimeType: 'image/png',
      attachmentId: up.body.id,
      name: 'holiday.png',
      size: bytes.length,
      width: 640,
      height: 480,
      thumbnail: true,
    });

    const urls = await urlsOf(ben, id, up.body.id);
    expect(urls.status).toBe(200);
    expect(urls.body.attachment.messageId).toBe(sent.body.id);
    expect(Date.parse(urls.body.expiresAt)).toBeGreaterThan(Date.now());
    const original = await download(urls.body.url);
    expect(original.status).toBe(200);
    expect(original.type).toBe('image/png');
    expect(original.bytes.equals(bytes)).toBe(true);
    expect(original.headers.get('content-disposition')).toMatch(/^inline; filename="holiday.png"/);

    const thumb = await download(urls.body.thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.type).toBe('image/webp');
    const meta = await sharp(thumb.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([320, 240]);
  });

  it('a file that is not an image is a file part without dimensions and downloads as an attachment', async () => {
    const id = await group(ann, ben);
    const up = await upload(ann, id, {
      name: '../../notes.txt',
      type: 'text/plain',
      bytes: Buffer.from('buy milk\n'),
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      name: 'notes.txt',
      mimeType: 'text/plain',
      image: null,
      hasThumbnail: false,
    });
    const sent = await sendWith(ann, id, [{ mimeType: 'text/plain', attachmentId: up.body.id }]);
    expect(sent.status).toBe(201);
    const urls = await urlsOf(ben, id, up.body.id);
    expect(urls.body.thumbnailUrl).toBeNull();
    const file = await download(urls.body.url);
    expect(file.bytes.toString()).toBe('buy milk\n');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="notes.txt"/);
  });

  it('a client that does not know the type may say application/octet-stream: the bytes decide', async () => {
    const id = await group(ann, ben);
    const up = await upload(ann, id, {
      name: 'x',
      type: 'application/octet-stream',
      bytes: await pngImage(10, 10),
    });
    expect(up.status).toBe(201);
    expect(up.body.mimeType).toBe('image/png');
  });
});

describe('refused uploads', () => {
  it('bytes that are not what the client declared are refused with 415', async () => {
    const id = await group(ann, ben);
    const png = await upload(ann, id, { name: 'a.jpg', type: 'image/jpeg', bytes: await pngImage(8, 8) });
    expect(png.status).toBe(415);
    expect(png.body).toMatchObject({ code: 'unsupported_media_type' });
    expect(png.body.message).toContain('image/png');
    const script = await upload(ann, id, {
      name: 'a.png',
      type: 'image/png',
      bytes: Buffer.from('<script>alert(1)</script>'),
    });
    expect(script.status).toBe(415);
  });

  it('a recognised type that the deployment does not allow is refused with 415', async () => {
    const id = await group(ann, ben);
    const res = await upload(ann, id, { name: 'beep.wav', type: 'audio/wav', bytes: wavSound() });
    expect(res.status).toBe(415);
    expect(res.body.message).toBe('audio/wav files are not accepted here');
  });

  it('bytes that say nothing recognisable are refused with 415', async () => {
    const id = await group(ann, ben);
    const res = await upload(ann, id, {
      name: 'blob.bin',
      type: 'application/octet-stream',
      bytes: Buffer.from([0, 1, 2, 3, 255, 254]),
    });
    expect(res.status).toBe(415);
  });

  it('a file over the limit is refused with 413 naming the limit', async () => {
    const id = await group(ann, ben);
    const res = await upload(ann, id, {
      name: 'big.txt',
      type: 'text/plain',
      bytes: Buffer.alloc(MAX_BYTES + 1, 'a'),
    });
    expect(res.status).toBe(413);
    expect(res.body.message).toBe(`the file is over the limit of ${MAX_BYTES} bytes`);
    // Just over the limit but within the multipart allowance: the stream check refuses it too.
    const near = await upload(ann, id, {
      name: 'near.txt',
      type: 'text/plain',
      bytes: Buffer.alloc(MAX_BYTES + 10, 'a'),
    });
    expect(near.status).toBe(413);
    const exact = await upload(ann, id, {
      name: 'ok.txt',
      type: 'text/plain',
      bytes: Buffer.alloc(MAX_BYTES, 'a'),
    });
    expect(exact.status).toBe(201);
  });

  it('an upload that is not multipart is refused with 415, one without the file field with 400', async () => {
    const id = await group(ann, ben);
    const json = await svc.api.post(`/v1/conversations/${id}/attachments`, ann.token, { file: 'x' });
    expect(json.status).toBe(415);
    const wrongField = await uploadFile(
      svc.url,
      ann.token,
      id,
      { name: 'a.txt', type: 'text/plain', bytes: Buffer.from('hi') },
      'upload',
    );
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.issues).toEqual([{ path: 'body.file', message: 'required' }]);
    const empty = await upload(ann, id, { name: 'empty.txt', type: 'text/plain', bytes: Buffer.alloc(0) });
    expect(empty.status).toBe(400);
  });

  it('bad ids are 400, a conversation the uploader is not in is 404', async () => {
    const id = await group(ann, ben);
    const bad = await upload(ann, 'not-a-uuid', {
      name: 'a.txt',
      type: 'text/plain',
      bytes: Buffer.from('hi'),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('params.conversationId');
    const outsider = await upload(cat, id, { name: 'a.txt', type: 'text/plain', bytes: Buffer.from('hi') });
    expect(outsider.status).toBe(404);
    const unknown = await upload(ann, crypto.randomUUID(), {
      name: 'a.txt',
      type: 'text/plain',
      bytes: Buffer.from('hi'),
    });
    expect(unknown.status).toBe(404);
    const noToken = await fetch(`${svc.url}/v1/conversations/${id}/attachments`, { method: 'POST' });
    expect(noToken.status).toBe(401);
  });
});

describe('sending attachment parts', () => {
  it('an attachment goes out once, from its uploader, in the conversation it was uploaded to', async () => {
    const id = await group(ann, ben);
    const other = await group(ann, ben);
    const att = await uploadPng(ann, id);
    const part = { mimeType: 'image/png', attachmentId: att.id };

    const elsewhere = await sendWith(ann, other, [part]);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.message).toBe('body.parts.0.attachmentId: attachment not found');
    const byOther = await sendWith(ben, id, [part]);
    expect(byOther.status).toBe(404);
    const wrongType = await sendWith(ann, id, [{ mimeType: 'image/jpeg', attachmentId: att.id }]);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.issues).toEqual([
      { path: 'body.parts.0.mimeType', message: 'the attachment is image/png' },
    ]);
    const twice = await sendWith(ann, id, [part, part]);
    expect(twice.status).toBe(400);

    expect((await sendWith(ann, id, [part])).status).toBe(201);
    const again = await sendWith(ann, id, [part]);
    expect(again.status).toBe(409);
  });

  it('malformed and unknown attachment ids in parts are 400 and 404', async () => {
    const id = await group(ann, ben);
    const malformed = await sendWith(ann, id, [{ mimeType: 'image/png', attachmentId: 'nope' }]);
    expect(malformed.status).toBe(400);
    expect(malformed.body.issues[0].path).toBe('body.parts.0.attachmentId');
    const both = await sendWith(ann, id, [
      { mimeType: 'image/png', attachmentId: crypto.randomUUID(), body: 'x' },
    ]);
    expect(both.status).toBe(400);
    const unknown = await sendWith(ann, id, [{ mimeType: 'image/png', attachmentId: crypto.randomUUID() }]);
    expect(unknown.status).toBe(404);
  });
});

describe('signed download URLs', () => {
  it('only participants get URLs; an unsent upload is its uploader’s alone', async () => {
    const id = await group(ann, ben);
    const att = await uploadPng(ann, id);
    expect((await urlsOf(ann, id, att.id)).status).toBe(200);
    expect((await urlsOf(ben, id, att.id)).status).toBe(404);
    await sendWith(ann, id, [{ mimeType: 'image/png', attachmentId: att.id }]);
    expect((await urlsOf(ben, id, att.id)).status).toBe(200);
    expect((await urlsOf(cat, id, att.id)).status).toBe(404);
    const otherConversation = await group(cat, ann);
    expect((await urlsOf(ann, otherConversation, att.id)).status).toBe(404);
    expect((await svc.api.get(`/v1/conversations/${id}/attachments/nope/url`, ann.token)).status).toBe(400);
  });

  it('a tampered URL is 403', async () => {
    const id = await group(ann, ben);
    const att = await uploadPng(ann, id);
    const { body } = await urlsOf(ann, id, att.id);
    const url = new URL(body.url, svc.url);
    const sig = url.searchParams.get('sig')!;
    const flipped = new URL(url);
    flipped.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    expect((await download(flipped.pathname + flipped.search)).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await download(longer.pathname + longer.search)).status).toBe(403);
    const otherFile = await uploadPng(ann, id);
    const swapped = url.pathname.replace(att.id, otherFile.id) + url.search;
    expect((await download(swapped)).status).toBe(403);
    const asThumbnail = new URL(url);
    asThumbnail.searchParams.set('variant', 'thumbnail');
    expect((await download(asThumbnail.pathname + asThumbnail.search)).status).toBe(403);
    expect((await download(url.pathname)).status).toBe(400);
  });

  it('an expired URL is 403', async () => {
    const id = await group(ann, ben);
    const att = await uploadPng(ann, id);
    const { body } = await urlsOf(ann, id, att.id);
    expect((await download(body.url)).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(body.expiresAt) + 2000);
    const expired = await download(body.url);
    expect(expired.status).toBe(403);
    expect(JSON.parse(expired.bytes.toString()).message).toContain('expired');
  });

  it('removing the message makes the file unreachable, even through a URL handed out before', async () => {
    const id = await group(ann, ben);
    const att = await uploadPng(ann, id);
    const sent = await sendWith(ann, id, [{ mimeType: 'image/png', attachmentId: att.id }]);
    const { body } = await urlsOf(ben, id, att.id);
    expect((await download(body.url)).status).toBe(200);
    expect((await svc.api.delete(`/v1/conversations/${id}/messages/${sent.body.id}`, ann.token)).status).toBe(
      204,
    );
    expect((await download(body.url)).status).toBe(404);
    expect((await download(body.thumbnailUrl)).status).toBe(404);
    expect((await urlsOf(ben, id, att.id)).status).toBe(404);
    expect((await urlsOf(ann, id, att.id)).status).toBe(404);
    await eventually(
      () => !existsSync(join(storageDir, att.id, 'original')),
      'the file to be deleted from storage',
    );
  });

  it('an edit that drops an attachment part makes that file unreachable', async () => {
    const id = await group(ann, ben);
    const att = await uploadPng(ann, id);
    const sent = await sendWith(ann, id, [{ mimeType: 'image/png', attachmentId: att.id }]);
    const keep = await svc.api.patch(`/v1/conversations/${id}/messages/${sent.body.id}`, ann.token, {
      parts: [
        { mimeType: 'image/png', attachmentId: att.id },
        { mimeType: 'text/plain', body: 'caption added' },
      ],
    });
    expect(keep.status).toBe(200);
    expect((await urlsOf(ben, id, att.id)).status).toBe(200);
    const drop = await svc.api.patch(`/v1/conversations/${id}/messages/${sent.body.id}`, ann.token, {
      parts: [{ mimeType: 'text/plain', body: 'no picture after all' }],
    });
    expect(drop.status).toBe(200);
    expect((await urlsOf(ben, id, att.id)).status).toBe(404);
  });
});

describe('uploads that are never sent', () => {
  it('are removed after a day, with their bytes', async () => {
    const id = await group(ann, ben);
    const fresh = await uploadPng(ann, id);
    const stale = await uploadPng(ann, id);
    await svc.running.infra.db.query(
      `UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = $1`,
      [stale.id],
    );
    expect(await svc.running.app.get(AttachmentsService).removeUnsentUploads()).toBe(1);
    expect((await urlsOf(ann, id, stale.id)).status).toBe(404);
    expect(existsSync(join(storageDir, stale.id, 'original'))).toBe(false);
    expect((await urlsOf(ann, id, fresh.id)).status).toBe(200);
    expect((await sendWith(ann, id, [{ mimeType: 'image/png', attachmentId: stale.id }])).status).toBe(404);
  });
});
