import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { assertStorageKey, type AttachmentStorage } from './attachment-storage.js';

/** Files under one directory, `<dir>/<id>/<variant>`; written to a temporary name and renamed into place. */
export class LocalDiskStorage implements AttachmentStorage {
  readonly kind = 'local';
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${randomUUID()}.part`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  }

  async read(key: string): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async check(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    return join(this.dir, key);
  }
}
