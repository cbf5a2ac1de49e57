import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { resolveVapidKeys } from './vapid-keys.js';

/** The gateway's one config, with the push variables of a case. */
const pushConfig = {
  load: (env: Record<string, string>) =>
    loadConfig({ WEBHOOK_GATEWAY_CLIENT_SECRET: 'a-secret-of-sixteen-chars', ...env }),
};

describe('VAPID keys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vapid-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a pair once, keeps it private in the key file and reads it back', async () => {
    const { push } = pushConfig.load({ VAPID_KEY_FILE: join(dir, 'keys', 'vapid.json') });
    const first = await resolveVapidKeys(push);
    expect(first.source).toBe('generated');
    expect(Buffer.from(first.keys.publicKey, 'base64url')).toHaveLength(65);
    expect((await stat(push.keyFile)).mode & 0o777).toBe(0o600);
    const again = await resolveVapidKeys(push);
    expect(again).toEqual({ keys: first.keys, source: 'key-file' });
    expect(JSON.parse(await readFile(push.keyFile, 'utf8'))).toEqual(first.keys);
  });

  it('prefers the environment and never writes a file then', async () => {
    const { push } = pushConfig.load({
      VAPID_PUBLIC_KEY: 'BPub',
      VAPID_PRIVATE_KEY: 'priv',
      VAPID_KEY_FILE: join(dir, 'unused.json'),
    });
    expect(await resolveVapidKeys(push)).toEqual({
      keys: { publicKey: 'BPub', privateKey: 'priv' },
      source: 'environment',
    });
    await expect(stat(join(dir, 'unused.json'))).rejects.toThrow();
  });

  it('refuses a key file that is not a key pair instead of replacing it', async () => {
    const keyFile = join(dir, 'vapid.json');
    await writeFile(keyFile, '{"publicKey": 1}');
    const { push } = pushConfig.load({ VAPID_KEY_FILE: keyFile });
    await expect(resolveVapidKeys(push)).rejects.toThrow(/VAPID_KEY_FILE/);
  });

  it('stops the start naming the variable: one key without the other, a bad subject', () => {
    expect(() => pushConfig.load({ VAPID_PUBLIC_KEY: 'BPub' })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(() => pushConfig.load({ VAPID_PRIVATE_KEY: 'priv' })).toThrow(/VAPID_PUBLIC_KEY/);
    expect(() => pushConfig.load({ VAPID_SUBJECT: 'http://example.com' })).toThrow(/VAPID_SUBJECT/);
    expect(() => pushConfig.load({ VAPID_PUBLIC_KEY: 'not base64!', VAPID_PRIVATE_KEY: 'x' })).toThrow(
      /VAPID_PUBLIC_KEY/,
    );
  });
});
