import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * The built-in provider's access token: `<claims>.<signature>`, both base64url, the signature an HMAC-SHA256
 * of the claims part with the gateway's token key. In-app calls run over Parley's own WebRTC signalling,
 * which authenticates with the user's Parley token, so this token grants nothing by itself: it is what the
 * client shows and passes along as proof that the gateway let `identity` into `room` until `exp`, and the
 * gateway (or anything holding the key) can check it with `verify`.
 */
export const ParleyTokenClaims = z.strictObject({
  /** The identity (a user id). */
  sub: z.string().min(1),
  /** The room, when the token is for one call. */
  room: z.string().min(1).optional(),
  /** Epoch seconds. */
  exp: z.number().int(),
});
export type ParleyTokenClaims = z.infer<typeof ParleyTokenClaims>;

export class ParleyAccessTokens {
  private readonly key: Buffer;

  /** Without a configured secret a random key is used: tokens then stay valid only in this process. */
  constructor(secret: string | undefined) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  issue(claims: ParleyTokenClaims): string {
    const body = Buffer.from(JSON.stringify(ParleyTokenClaims.parse(claims))).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The claims of a token this key signed that has not expired at `nowSeconds`; null otherwise. */
  verify(token: string, nowSeconds: number): ParleyTokenClaims | null {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const claims = ParleyTokenClaims.safeParse(json);
    if (!claims.success || claims.data.exp <= nowSeconds) return null;
    return claims.data;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
