import { z } from 'zod';
import { TokenResponse, User } from '../messaging/identity.js';

/**
 * A web origin as browsers send it in the `Origin` header: scheme, host and port only
 * (`https://shop.example`, `http://localhost:5173`), no path, no trailing slash.
 */
export const WebOrigin = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^/\s?#]+$/, 'an origin: scheme://host[:port], no path')
  .transform((s) => s.toLowerCase());

/** `POST /v1/admin/sites`: a website whose visitors may become guests through the widget. */
export const CreateSiteRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  allowedOrigins: z.array(WebOrigin).min(1).max(50),
});
export type CreateSiteRequest = z.infer<typeof CreateSiteRequest>;

export const Site = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Public: embedded in the site's pages; only requests from `allowedOrigins` may use it. */
  siteKey: z.string(),
  allowedOrigins: z.array(z.string()),
  createdAt: z.string(),
});
export type Site = z.infer<typeof Site>;

export const SiteResponse = z.object({ site: Site });
export type SiteResponse = z.infer<typeof SiteResponse>;

export const SiteList = z.object({ sites: z.array(Site) });
export type SiteList = z.infer<typeof SiteList>;

/** What the widget keeps to come back as the same guest after a reload. */
export const GuestResume = z.strictObject({
  guestId: z.uuid(),
  guestSecret: z.string().min(1).max(200),
});
export type GuestResume = z.infer<typeof GuestResume>;

/** `POST /v1/guests/widget`: a new guest for a site's visitor, or a fresh token for a returning one. */
export const WidgetGuestRequest = z.strictObject({
  siteKey: z.string().min(1).max(200),
  resume: GuestResume.optional(),
});
export type WidgetGuestRequest = z.infer<typeof WidgetGuestRequest>;

/** `POST /v1/guests` (machine client with `guests.create`): a guest made by the site's own backend. */
export const CreateGuestRequest = z.strictObject({
  displayName: z.string().trim().min(1).max(100).optional(),
});
export type CreateGuestRequest = z.infer<typeof CreateGuestRequest>;

/** A guest and a short-lived access token (no refresh token); `guestSecret` only when the guest is new. */
export const GuestSession = z.object({
  guest: User,
  tokens: TokenResponse,
  guestSecret: z.string().optional(),
});
export type GuestSession = z.infer<typeof GuestSession>;

export const GuestParams = z.strictObject({ id: z.uuid() });
export type GuestParams = z.infer<typeof GuestParams>;

/** `POST /v1/guests/:id/merge`: the guest's conversations move to a registered user. */
export const MergeGuestRequest = z.strictObject({ userId: z.uuid() });
export type MergeGuestRequest = z.infer<typeof MergeGuestRequest>;

export const MergeGuestResponse = z.object({
  userId: z.uuid(),
  /** The conversations the user was added to in the guest's place. */
  conversationIds: z.array(z.uuid()),
});
export type MergeGuestResponse = z.infer<typeof MergeGuestResponse>;
