import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';
import type { WebPushConfig } from '../config/config.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface ResolvedVapidKeys {
  keys: VapidKeys;
  /** Where they came from, for the start-up log. */
  source: 'environment' | 'key-file' | 'generated';
}

const StoredVapidKeys = z.object({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]+$/),
  privateKey: z.string().regex(/^[A-Za-z0-9_-]+$/),
});

/**
 * The configured key pair, else the one kept in the key file, else a new one written there (mode 0600).
 * A key file that exists but is not a key pair stops the start: replacing it silently would orphan every
 * browser's subscription.
 */
export async function resolveVapidKeys(config: WebPushConfig): Promise<ResolvedVapidKeys> {
  if (config.keys) return { keys: config.keys, source: 'environment' };
  let text: string | undefined;
  try {
    text = await readFile(config.keyFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = StoredVapidKeys.safeParse(json);
    if (!parsed.success)
      throw new Error(`VAPID_KEY_FILE ${config.keyFile} does not hold a VAPID key pair; fix or delete it`);
    return { keys: parsed.data, source: 'key-file' };
  }
  const generated = webpush.generateVAPIDKeys();
  const keys = { publicKey: generated.publicKey, privateKey: generated.privateKey };
  await mkdir(dirname(config.keyFile), { recursive: true });
  // `wx`: two replicas starting at once must not each write (and hand out) a different key.
  try {
    await writeFile(config.keyFile, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveVapidKeys(config);
    throw err;
  }
  return { keys, source: 'generated' };
}
