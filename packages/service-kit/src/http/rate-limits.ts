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

/** Counts requests of this route under the named policy (see `RateLimits`). */
export const RateLimit = (policy: string) => SetMetadata(RATE_LIMIT_KEY, policy);

/** Routes that change state are limited per user under this policy unless they name another one. */
export const WRITES_POLICY = 'writes';

const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Policies every service starts with; a service adds or overrides by name. */
export const defaultRateLimitPolicies: Record<string, RateLimitPolicy> = {
  /** Password and token guessing: per address and per username tried. */
  credentials: {
    points: 10,
    windowSeconds: 60,
    keys: (req) => {
      const body = (req.body ?? {}) as { username?: unknown; client_id?: unknown };
      const who =
        typeof body.username === 'string'
          ? body.username
          : typeof body.client_id === 'string'
            ? body.client_id
            : undefined;
      return [`ip:${clientAddress(req)}`, ...(who ? [`who:${who.toLowerCase().slice(0, 128)}`] : [])];
    },
  },
  /** Account creation from one address. */
  signup: { points: 20, windowSeconds: 3600, keys: (req) => [`ip:${clientAddress(req)}`] },
  [WRITES_POLICY]: {
    points: 120,
    windowSeconds: 10,
    keys: (req) => [req.principal ? `sub:${req.principal.subject}` : `ip:${clientAddress(req)}`],
  },
};

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
    const named = this.reflector.getAllAndOverride<string | undefined>(RATE_LIMIT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const policy = named ?? (WRITE_METHODS.has(req.method) ? WRITES_POLICY : undefined);
    if (policy && this.limits.has(policy)) await this.limits.consume(policy, req);
    return true;
  }
}
