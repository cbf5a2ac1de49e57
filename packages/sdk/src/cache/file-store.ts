import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CachedConversation } from '../model/conversation.js';
import type { OutgoingMessage } from '../outbox/send-queue.js';
import type { CacheStore } from './cache-store.js';

interface FileContents {
  version: 2;
  conversations: Record<string, CachedConversation>;
  outbox: OutgoingMessage[];
}

/** Node cache in one JSON file, replaced atomically so a crash never leaves half a file. */
export class FileStore implements CacheStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async loadConversations(): Promise<CachedConversation[]> {
    return Object.values((await this.read()).conversations);
  }

  saveConversations(conversations: CachedConversation[]): Promise<void> {
    return this.update((file) => {
      for (const c of conversations) file.conversations[c.conversation.id] = c;
    });
  }

  removeConversation(id: string): Promise<void> {
    return this.update((file) => {
      delete file.conversations[id];
    });
  }

  async loadOutbox(): Promise<OutgoingMessage[]> {
    return (await this.read()).outbox;
  }

  saveOutbox(messages: OutgoingMessage[]): Promise<void> {
    return this.update((file) => {
      file.outbox = messages;
    });
  }

  clear(): Promise<void> {
    return this.update((file) => {
      file.conversations = {};
      file.outbox = [];
    });
  }

  private async read(): Promise<FileContents> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.path, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return { version: 2, conversations: {}, outbox: [] };
      throw err;
    }
    const file = parsed as Partial<FileContents>;
    if (file.version === 2)
      return { version: 2, conversations: file.conversations ?? {}, outbox: file.outbox ?? [] };
    // Files written before the outbox existed hold the conversations map alone.
    return { version: 2, conversations: parsed as Record<string, CachedConversation>, outbox: [] };
  }

  private update(change: (file: FileContents) => void): Promise<void> {
    const next = this.writing.then(async () => {
      const file = await this.read();
      change(file);
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(file));
      await rename(tmp, this.path);
    });
    // A failed write must not block every later one.
    this.writing = next.catch(() => undefined);
    return next;
  }
}
