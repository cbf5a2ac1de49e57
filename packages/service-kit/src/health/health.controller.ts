import { Controller, Get, Inject, Res } from '@nestjs/common';
import { Public } from '@parley/auth';
import type { Response } from 'express';
import { HealthRegistry } from './health-registry.js';

export const HEALTH_REGISTRY = Symbol('parley.service-kit.HealthRegistry');

/**
 * `/health/live`: the process serves requests (restart it when this fails). `/health/ready`: its
 * dependencies answer and it is not closing (send it traffic only when this is 200). `/health` is ready.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_REGISTRY) private readonly registry: HealthRegistry) {}

  @Get('live')
  live() {
    return { status: 'ok', service: this.registry.service };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const report = await this.registry.report();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  @Get()
  health(@Res({ passthrough: true }) res: Response) {
    return this.ready(res);
  }
}
