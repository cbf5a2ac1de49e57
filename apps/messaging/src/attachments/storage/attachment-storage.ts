import type { Readable } from 'node:stream';

/**
 * Where attachment bytes live. Keys are made by the service (`<attachment id>/<variant>`), never by
 * clients. `read` returns undefined for a key that is not there, so a removed file is a 404, not a 500.
 */
export interface AttachmentStorage {
  readonly kind: 'local' | 's3';
  write(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  read(key: string): Promise<Readable | undefined>;
  /** Deleting a key that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Throws when the storage cannot be used (for start-up and the readiness probe). */
  check(): Promise<void>;
}

export const ATTACHMENT_STORAGE = Symbol('ATTACHMENT_STORAGE');

/** Keys are `<uuid>/<variant>`; anything else is refused before it reaches a path or an S3 request. */
export function assertStorageKey(key: string): void {
  if (!/^[0-9a-f-]{36}\/(original|thumbnail)$/.test(key))
    throw new Error(`bad attachment storage key: ${key}`);
}
