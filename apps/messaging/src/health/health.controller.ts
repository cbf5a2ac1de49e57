import { Controller, Get, Inject, Res } from '@nestjs/common';
import { Public } from '@parley/auth';
import type { Database } from '@parley/db';
import type { EventBus } from '@parley/event-bus';
import type { Response } from 'express';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { DATABASE, EVENT_BUS } from '../infrastructure/tokens.js';

async function check(probe: () => Promise<unknown>): Promise<'up' | 'down'> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
    ]);
    return 'up';
  } catch {
    return 'down';
  }
}

@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
  ) {}

  /** 200 when PostgreSQL and Redis answer, 503 otherwise; pending outbox rows show delayed side effects. */
  @Public()
  @Get('health')
  async health(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis] = await Promise.all([check(() => this.db.ping()), check(() => this.bus.ping())]);
    const ok = postgres === 'up' && redis === 'up';
    res.status(ok ? 200 : 503);
    const pendingOutbox = postgres === 'up' ? await this.outbox.pendingCount() : null;
    return {
      status: ok ? 'ok' : 'degraded',
      checks: { postgres, redis },
      pendingOutbox,
      database: this.db.kind,
    };
  }
}
