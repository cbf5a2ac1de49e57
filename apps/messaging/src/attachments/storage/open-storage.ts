import type { AttachmentStorageSettings } from '../attachment-config.js';
import type { AttachmentStorage } from './attachment-storage.js';
import { LocalDiskStorage } from './local-disk-storage.js';
import { S3Storage } from './s3-storage.js';

export function openAttachmentStorage(settings: AttachmentStorageSettings): AttachmentStorage {
  return settings.kind === 's3' ? new S3Storage(settings) : new LocalDiskStorage(settings.dir);
}
