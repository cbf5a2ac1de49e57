// The S3 storage against a real S3-compatible server (s3rver, in this process): the service stores,
// serves and deletes attachment bytes through the official AWS SDK.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@parley/testing';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { pngImage, uploadFile } from './support/attachment-files.js';

const BUCKET = 'parley-attachments';
const s3Dir = mkdtempSync(join(tmpdir(), 'parley-s3-'));
let s3: S3rver;
let s3Url: string;
let client: S3Client;
let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser;

async function objectKeys(): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

beforeAll(async () => {
  s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: s3Dir, silent: true });
  const { port } = await s3.run();
  s3Url = `http://127.0.0.1:${port}`;
  client = new S3Client({
    region: 'us-east-1',
    endpoint: s3Url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  svc = await startMessagingUnderTest('attachments-s3', {
    ATTACHMENT_STORAGE: 's3',
    S3_ENDPOINT: s3Url,
    S3_BUCKET: BUCKET,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
  });
  [ann, ben] = await Promise.all([svc.api.newUser('ann'), svc.api.newUser('ben')]);
});
afterAll(async () => {
  await svc?.stop();
  client?.destroy();
  await s3?.close();
  rmSync(s3Dir, { recursive: true, force: true });
});

describe('attachments on S3-compatible storage', () => {
  it('stores the file and its thumbnail in the bucket, serves them, and deletes them with the message', async () => {
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    const bytes = await pngImage(400, 200);
    const up = await uploadFile(svc.url, ann.token, conv.body.id, {
      name: 'wide.png',
      type: 'image/png',
      bytes,
    });
    expect(up.status).toBe(201);
    expect(await objectKeys()).toEqual([`${up.body.id}/original`, `${up.body.id}/thumbnail`]);

    const sent = await svc.api.post(`/v1/conversations/${conv.body.id}/messages`, ann.token, {
      clientMessageId: 's3-1',
      parts: [{ mimeType: 'image/png', attachmentId: up.body.id }],
    });
    expect(sent.status).toBe(201);
    const urls = await svc.api.get(
      `/v1/conversations/${conv.body.id}/attachments/${up.body.id}/url`,
      ben.token,
    );
    const res = await fetch(`${svc.url}${urls.body.url}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    await svc.api.delete(`/v1/conversations/${conv.body.id}/messages/${sent.body.id}`, ann.token);
    expect((await fetch(`${svc.url}${urls.body.url}`)).status).toBe(404);
    await eventually(async () => (await objectKeys()).length === 0, 'the bucket to be emptied');
  });

  it('a missing bucket stops the service at start with the storage error', async () => {
    await expect(
      startMessagingUnderTest('attachments-s3-missing', {
        ATTACHMENT_STORAGE: 's3',
        S3_ENDPOINT: s3Url,
        S3_BUCKET: 'no-such-bucket',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_FORCE_PATH_STYLE: 'true',
      }),
    ).rejects.toThrow();
  });
});
