import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DelayedJobs, EventBus, type DelayedJobsRunner } from '@parley/event-bus';
import { VideoInvitesService } from './video-invites.service.js';

/**
 * Runs `invite.ring.v1` in this process once the app is up, and stops before the bus closes. The module
 * runs its own job name, so the app's bus declaration stays the core's; a job name run twice on one bus is
 * refused by the bus, so it cannot be run here and there by mistake.
 */
@Injectable()
export class InviteRingRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private runner: DelayedJobsRunner | undefined;

  constructor(
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(VideoInvitesService) private readonly invites: VideoInvitesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.runner = await this.bus.runDelayedJobs(
      { [DelayedJobs.inviteRing]: (job) => this.invites.runRingJob(job) },
      { concurrency: 4 },
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.close();
  }
}
