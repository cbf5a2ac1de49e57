import type { Principal } from '../principal.js';

/**
 * Tokens this process verified lately, so a client sending the same token on every request pays for one
 * signature check, not one per request. An entry is trusted for `recheckAfterMs` at most, which bounds how
 * long a key withdrawn from the issuer's JWKS keeps working, and never past the token's own `exp`.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; recheckAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly recheckAfterMs: number,
  ) {}

  /** The token's principal if it was verified lately and has not expired; undefined means verify it. */
  get(token: string, nowMs: number, clockToleranceSeconds: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const expired = entry.principal.expiresAt + clockToleranceSeconds <= nowMs / 1000;
    if (expired || nowMs >= entry.recheckAt) {
      this.entries.delete(token);
      return undefined;
    }
    return { ...entry.principal, scopes: [...entry.principal.scopes] };
  }

  remember(token: string, principal: Principal, nowMs: number): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps keep insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, {
      principal: { ...principal, scopes: [...principal.scopes] },
      recheckAt: nowMs + this.recheckAfterMs,
    });
  }

  get size(): number {
    return this.entries.size;
  }
}
