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
  msisdn: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

export const AuthSession = z.object({ user: User, tokens: TokenResponse });
export type AuthSession = z.infer<typeof AuthSession>;

export const UserLookupQuery = z.strictObject({
  username: z.string().min(1).max(64).optional(),
  q: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
