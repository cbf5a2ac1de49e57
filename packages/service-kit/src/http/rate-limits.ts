import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '@parley/auth';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors/domain-errors.js';

export interface RateLimitPolicy {
  /** Requests allowed per key within `windowSeconds`. */
  points: number;
  windowSeconds: number;
  /** What is counted: one or more keys per request (e.g. the client address and the username tried). */
  keys: (req: Request & { principal?: Principal }) => string[];
}

export const RATE_LIMIT_KEY = 'parley.service-kit:rateLimit';
export const RATE_LIMITS = Symbol('parley.service-kit.RateLimits');

/** Counts requests of this route under the named policies (see `rateLimitPolicies`). */
export const RateLimit = (...policies: string[]) => SetMetadata(RATE_LIMIT_KEY, policies);

/** Routes that change state are limited per user under this policy unless they name others. */
export const WRITES_POLICY = 'writes';

const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** The credential a login or token request tries: a username or an OAuth2 client id. */
function triedIdentity(req: Request): string | undefined {
  const body = (req.body ?? {}) as { username?: unknown; client_id?: unknown };
  const who = typeof body.username === 'string' ? body.username : body.client_id;
  return typeof who === 'string' ? who.toLowerCase().slice(0, 128) : undefined;
}

export interface RateLimitSettings {
  loginPerMinutePerUser: number;
  loginPerMinutePerAddress: number;
  signupPerHourPerAddress: number;
  writesPerMinutePerUser: number;
}

/**
 * The policies every HTTP service has: `credentials` (password and token guessing, per username tried and
 * per client address), `signup` (accounts per address) and `writes` (state changes per user).
 */
export function rateLimitPolicies(s: RateLimitSettings): Record<string, RateLimitPolicy> {
  return {
    'credentials-user': {
      points: s.loginPerMinutePerUser,
      windowSeconds: 60,
      keys: (req) => {
        const who = triedIdentity(req);
        return who ? [`who:${who}`] : [];
      },
    },
    'credentials-address': {
      points: s.loginPerMinutePerAddress,
      windowSeconds: 60,
      keys: (req) => [`ip:${clientAddress(req)}`],
    },
    signup: {
      points: s.signupPerHourPerAddress,
      windowSeconds: 3600,
      keys: (req) => [`ip:${clientAddress(req)}`],
    },
    [WRITES_POLICY]: {
      points: s.writesPerMinutePerUser,
      windowSeconds: 60,
      keys: (req) => [req.principal ? `sub:${req.principal.subject}` : `ip:${clientAddress(req)}`],
    },
  };
}

/** `@RateLimit(...Credentials)` on log-in and token routes. */
export const CredentialsPolicies = ['credentials-user', 'credentials-address'] as const;

type Limiter = RateLimiterRedis | RateLimiterMemory;

/**
 * Rate limits with counters in Redis, so every node of a service counts together. When Redis does not
 * answer, a per-process counter takes over rather than letting everything through.
 */
export class RateLimits {
  private readonly limiters = new Map<string, Limiter>();

  constructor(
    private readonly policies: Record<string, RateLimitPolicy>,
    redis: Redis | undefined,
    prefix: string,
  ) {
    for (const [name, p] of Object.entries(policies)) {
      const options = { points: p.points, duration: p.windowSeconds, keyPrefix: `${prefix}:rl:${name}` };
      const memory = new RateLimiterMemory(options);
      this.limiters.set(
        name,
        redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory }) : memory,
      );
    }
  }

  has(policy: string): boolean {
    return this.limiters.has(policy);
  }

  /** Counts one request; throws RateLimitedError (429 with Retry-After) once a key is over its limit. */
  async consume(policy: string, req: Request & { principal?: Principal }): Promise<void> {
    const limiter = this.limiters.get(policy);
    const p = this.policies[policy];
    if (!limiter || !p) throw new Error(`unknown rate-limit policy "${policy}"`);
    for (const key of p.keys(req)) {
      try {
        await limiter.consume(key);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        throw new RateLimitedError(`too many requests: try again in ${seconds} s`, seconds);
      }
    }
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Applies a route's @RateLimit policy, and the writes policy to every other state-changing route. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(RATE_LIMITS) private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const named = this.reflector.getAllAndOverride<string[] | undefined>(RATE_LIMIT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const policies = named ?? (WRITE_METHODS.has(req.method) ? [WRITES_POLICY] : []);
    for (const policy of policies) if (this.limits.has(policy)) await this.limits.consume(policy, req);
    return true;
  }
}
