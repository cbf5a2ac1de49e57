import type { Migration } from '@parley/db';

/**
 * Uploaded files: each belongs to one conversation and its uploader, and to at most one message once sent.
 * `removed_at` is set with its message's removal; the bytes are deleted from storage then.
 */
export const attachments: Migration = {
  version: 3,
  name: 'attachments',
  sql: `
CREATE TABLE attachments (
  id uuid PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  uploader_id uuid NOT NULL REFERENCES users(id),
  -- checked at commit: the message and its attachments are stored in one transaction, attachments first
  message_id uuid REFERENCES messages(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  name text NOT NULL,
  mime_type text NOT NULL,
  size integer NOT NULL,
  width integer,
  height integer,
  has_thumbnail boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  -- when the bytes of a removed attachment were deleted from storage
  purged_at timestamptz
);
CREATE INDEX attachments_by_message ON attachments (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_to_purge ON attachments (removed_at) WHERE removed_at IS NOT NULL AND purged_at IS NULL;
`,
};
