import type { Migration } from '@parley/db';

/**
 * Pre-send decision hooks: one per scope (`type:<conversation type>` or `conversation:<uuid>`). The signing
 * secret is kept as given to the customer because every call is signed with it (HMAC needs the key itself).
 */
export const preSendHooks: Migration = {
  version: 6,
  name: 'pre-send decision hooks',
  sql: `
CREATE TABLE pre_send_hooks (
  scope text PRIMARY KEY,
  url text NOT NULL,
  timeout_ms integer NOT NULL,
  fallback text NOT NULL CHECK (fallback IN ('accept', 'reject')),
  secret text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
};
