import { z } from 'zod';

export const Username = z
  .string()
  .min(3)
  .max(32)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'lowercase letters, digits, dot, dash and underscore; starts with a letter or digit',
  );

/** E.164 phone number, e.g. +4790000001. */
export const Msisdn = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number like +4790000001');

export const SignUpRequest = z.strictObject({
  username: Username,
  password: z.string().min(8).max(256),
  displayName: z.string().min(1).max(100).optional(),
  msisdn: Msisdn.optional(),
});
export type SignUpRequest = z.infer<typeof SignUpRequest>;

export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** OAuth2 token endpoint (RFC 6749) request, accepted as form or JSON. */
export const TokenRequest = z.discriminatedUnion('grant_type', [
  z.strictObject({
    grant_type: z.literal('password'),
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
    scope: z.string().max(1000).optional(),
    client_id: z.string().optional(),
  }),
  z.strictObject({
    grant_type: z.literal('client_credentials'),
    client_id: z.string().min(1).max(128),
    client_secret: z.string().min(1).max(256),
    scope: z.string().max(1000).optional(),
  }),
  z.strictObject({
    grant_type: z.literal('refresh_token'),
    refresh_token: z.string().min(1).max(512),
    scope: z.string().max(1000).optional(),
    client_id: z.string().optional(),
  }),
]);
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  expires_at: z.number().int(),
  refresh_token: z.string().optional(),
  scope: z.string(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const User = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  /** Null for others unless the owner shares it or shares a direct or group conversation with the viewer. */
  msisdn: z.string().nullable(),
  createdAt: z.string(),
  /** A picture chosen by the user; without one clients draw initials seeded by the username. */
  avatarUrl: z.string().nullable().optional(),
  /** The owner's setting, in their own user only: may everyone see their phone number. */
  phoneVisible: z.boolean().optional(),
  /** Present (true) for a bot: a named identity a machine client posts as; nobody signs in as it. */
  bot: z.literal(true).optional(),
});
export type User = z.infer<typeof User>;

/** `PATCH /v1/me`: the user's own profile and privacy settings. */
export const UpdateMeRequest = z
  .strictObject({
    displayName: z.string().trim().min(1).max(100).optional(),
    avatarUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullable()
      .optional(),
    phoneVisible: z.boolean().optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), 'give at least one field');
export type UpdateMeRequest = z.infer<typeof UpdateMeRequest>;

export const AuthSession = z.object({ user: User, tokens: TokenResponse });
export type AuthSession = z.infer<typeof AuthSession>;

export const UserLookupQuery = z.strictObject({
  username: z.string().min(1).max(64).optional(),
  /** Prefix of a username or of a word of a display name. */
  q: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  /** `nextCursor` of the previous page. */
  cursor: Username.optional(),
});

/** `GET /v1/users`: a page of the directory, ordered by username. */
export const UserDirectoryPage = z.object({ users: z.array(User), nextCursor: z.string().nullable() });
export type UserDirectoryPage = z.infer<typeof UserDirectoryPage>;
