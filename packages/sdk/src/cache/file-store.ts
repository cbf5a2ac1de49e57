import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CachedConversation } from '../model/conversation.js';
import type { CacheStore } from './cache-store.js';

/** Node cache in one JSON file, replaced atomically so a crash never leaves half a file. */
export class FileStore implements CacheStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async loadConversations(): Promise<CachedConversation[]> {
    return Object.values(await this.read());
  }

  saveConversations(conversations: CachedConversation[]): Promise<void> {
    return this.update((all) => {
      for (const c of conversations) all[c.conversation.id] = c;
    });
  }

  removeConversation(id: string): Promise<void> {
    return this.update((all) => {
      delete all[id];
    });
  }

  clear(): Promise<void> {
    return this.update((all) => {
      for (const k of Object.keys(all)) delete all[k];
    });
  }

  private async read(): Promise<Record<string, CachedConversation>> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as Record<string, CachedConversation>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }

  private update(change: (all: Record<string, CachedConversation>) => void): Promise<void> {
    this.writing = this.writing.then(async () => {
      const all = await this.read();
      change(all);
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(all));
      await rename(tmp, this.path);
    });
    return this.writing;
  }
}
