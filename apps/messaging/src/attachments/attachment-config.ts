import { ConfigError, section } from '@parley/service-kit';
import { z } from 'zod';

/** Files are held in memory while they are checked and stored, so one upload stays well below the heap. */
const MAX_ATTACHMENT_BYTES = 256 * 1024 * 1024;

const DEFAULT_ALLOWED_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'audio/mpeg',
  'audio/ogg',
  'video/mp4',
  'video/webm',
  'application/zip',
];

const TypeList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== ''),
  )
  .pipe(
    z
      .array(
        z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/, 'not a MIME type'),
      )
      .min(1),
  );

const Flag = z.enum(['true', 'false']);

export type AttachmentStorageSettings =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      endpoint: string | undefined;
      forcePathStyle: boolean;
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    };

/**
 * Attachment settings: per-deployment size and type limits, where the files live, and how long a signed
 * download URL lives. S3 settings are checked only when ATTACHMENT_STORAGE=s3.
 */
export function attachmentsSection() {
  return section(
    {
      ATTACHMENT_MAX_BYTES: z.coerce
        .number()
        .int()
        .min(1)
        .max(MAX_ATTACHMENT_BYTES)
        .default(25 * 1024 * 1024),
      /** Sniffed types accepted, comma separated; `image/*` allows a whole family. */
      ATTACHMENT_ALLOWED_TYPES: TypeList.default(DEFAULT_ALLOWED_TYPES),
      ATTACHMENT_STORAGE: z.enum(['local', 's3']).default('local'),
      ATTACHMENT_DIR: z.string().min(1).default('./data/attachments'),
      ATTACHMENT_URL_TTL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(300),
      /** Key for signing download URLs; unset: derived from the token signing key, shared by all nodes. */
      ATTACHMENT_URL_SECRET: z.string().min(32).optional(),
      S3_ENDPOINT: z.url().optional(),
      S3_BUCKET: z.string().min(3).max(63).optional(),
      S3_REGION: z.string().min(1).default('us-east-1'),
      S3_ACCESS_KEY_ID: z.string().min(1).optional(),
      S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
      S3_FORCE_PATH_STYLE: Flag.default('false'),
    },
    (e) => {
      let storage: AttachmentStorageSettings;
      if (e.ATTACHMENT_STORAGE === 's3') {
        if (!e.S3_BUCKET)
          throw new ConfigError(
            'Invalid messaging configuration:\n  S3_BUCKET: required when ATTACHMENT_STORAGE=s3',
          );
        if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined))
          throw new ConfigError(
            'Invalid messaging configuration:\n  S3_SECRET_ACCESS_KEY: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither',
          );
        storage = {
          kind: 's3',
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          endpoint: e.S3_ENDPOINT,
          forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
          credentials:
            e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
              : undefined,
        };
      } else {
        storage = { kind: 'local', dir: e.ATTACHMENT_DIR };
      }
      return {
        maxBytes: e.ATTACHMENT_MAX_BYTES,
        allowedTypes: e.ATTACHMENT_ALLOWED_TYPES,
        storage,
        urlTtlSeconds: e.ATTACHMENT_URL_TTL_SECONDS,
        urlSecret: e.ATTACHMENT_URL_SECRET,
      };
    },
  );
}
