import { Inject, Injectable } from '@nestjs/common';
import { DelayedJobs, OnDelayedJob, type DelayedJob } from '@parley/event-bus';
import { VideoInvitesService } from './video-invites.service.js';

/**
 * Runs `invite.ring.v1` (declared with the app's bus in AppModule, whose one delayed-jobs worker calls this):
 * the next ring of an invite, or giving up on it once its rings are spent. A handler that throws is retried.
 */
@Injectable()
export class InviteRingConsumer {
  constructor(@Inject(VideoInvitesService) private readonly invites: VideoInvitesService) {}

  @OnDelayedJob(DelayedJobs.inviteRing)
  async ringAgainOrGiveUp(job: DelayedJob<'invite.ring.v1'>): Promise<void> {
    await this.invites.runRingJob(job);
  }
}
