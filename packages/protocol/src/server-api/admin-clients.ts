import { z } from 'zod';

/** A scope token as OAuth2 writes them (RFC 6749 §3.3): no spaces, no quotes or backslashes. */
const ScopeToken = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope has no spaces, quotes or backslashes');

/** `POST /v1/admin/clients`: a new machine client; messaging refuses scopes it does not know. */
export const CreateClientRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ScopeToken).min(1).max(50),
});
export type CreateClientRequest = z.infer<typeof CreateClientRequest>;

/** A machine client as admins see it: never its secret. */
export const MachineClient = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  /** When the secret was last rotated; null while it is the one issued at creation. */
  secretRotatedAt: z.string().nullable(),
});
export type MachineClient = z.infer<typeof MachineClient>;

/** The answer to a creation or a rotation: the secret, shown this once and stored only hashed. */
export const ClientWithSecret = z.object({ client: MachineClient, clientSecret: z.string() });
export type ClientWithSecret = z.infer<typeof ClientWithSecret>;

/** `GET /v1/admin/clients`: the clients not revoked, oldest first. */
export const ClientList = z.object({ clients: z.array(MachineClient) });
export type ClientList = z.infer<typeof ClientList>;

export const ClientParams = z.strictObject({ id: z.string().min(1).max(128) });
export type ClientParams = z.infer<typeof ClientParams>;
