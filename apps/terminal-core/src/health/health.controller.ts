import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { CallCoordinator } from '../calls/call-coordinator.js';
import { COORDINATOR, REDIS } from '../infrastructure/tokens.js';

@Controller()
export class HealthController {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(COORDINATOR) private readonly coordinator: CallCoordinator,
  ) {}

  /** 200 when Redis answers; shows this node's id, its terminals and the calls it owns. */
  @Get('health')
  async health(@Res({ passthrough: true }) res: Response) {
    let redis: 'up' | 'down' = 'up';
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, r) => setTimeout(() => r(new Error('timeout')), 2000).unref()),
      ]);
    } catch {
      redis = 'down';
    }
    res.status(redis === 'up' ? 200 : 503);
    return {
      status: redis === 'up' ? 'ok' : 'degraded',
      checks: { redis },
      node: this.coordinator.nodeId,
      terminals: this.coordinator.terminalCount,
      ownedCalls: this.coordinator.ownedCallCount,
    };
  }
}
