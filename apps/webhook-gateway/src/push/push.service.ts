import { randomUUID } from 'node:crypto';
import type { Database } from '@parley/db';
import type { Logger } from '@parley/logger';
import type {
  PushNotificationPayload,
  PushSubscriptionRecord,
  PushSubscriptionRequest,
  VapidPublicKey,
} from '@parley/protocol';
import { NotFoundError, ValidationError, type OutboundTargets } from '@parley/service-kit';
import type { PushSubscriptionsRepository } from './push-subscriptions.repository.js';
import type { PushSender } from './web-push-sender.js';

/** What notifying one user's browsers came to. */
export interface NotifyReport {
  /** Subscriptions the push service accepted the notification for. */
  delivered: string[];
  /** Subscriptions the push service called gone (404/410), now deleted. */
  removed: string[];
  /** Subscriptions that failed in a way worth retrying, with why. */
  failed: Array<{ subscriptionId: string; error: string }>;
}

/** Users' browsers registered for Web Push, and notifying them. */
export class PushService {
  constructor(
    private readonly db: Database,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly sender: PushSender,
    private readonly vapidPublicKey: string,
    private readonly logger: Logger,
    private readonly targets: OutboundTargets,
  ) {}

  publicKey(): VapidPublicKey {
    return { publicKey: this.vapidPublicKey };
  }

  /** A push service on an internal address is refused at once; a name is checked again at each send. */
  async subscribe(userId: string, req: PushSubscriptionRequest): Promise<PushSubscriptionRecord> {
    const refusal = this.targets.urlRefusal(req.endpoint);
    if (refusal)
      throw new ValidationError(`endpoint: ${refusal}`, [{ path: 'body.endpoint', message: refusal }]);
    return this.db.transaction((tx) => this.subscriptions.upsert(tx, randomUUID(), userId, req));
  }

  async list(userId: string): Promise<PushSubscriptionRecord[]> {
    return this.subscriptions.listOf(this.db, userId);
  }

  /** Someone else's subscription is answered like a missing one, so ids never leak. */
  async unsubscribe(userId: string, id: string): Promise<void> {
    if (!(await this.subscriptions.deleteOwn(this.db, userId, id)))
      throw new NotFoundError('push subscription not found');
  }

  /**
   * Sends `payload` to every browser of `userId` except those in `skip` (already notified by an earlier
   * attempt). A gone subscription is deleted; other failures are reported for the caller to retry.
   */
  async notifyUser(
    userId: string,
    payload: PushNotificationPayload,
    skip: ReadonlySet<string> = new Set(),
  ): Promise<NotifyReport> {
    const report: NotifyReport = { delivered: [], removed: [], failed: [] };
    const targets = (await this.subscriptions.targetsOf(this.db, userId)).filter((t) => !skip.has(t.id));
    for (const target of targets) {
      const outcome = await this.sender.send(target, payload);
      if (outcome.kind === 'accepted') {
        report.delivered.push(target.id);
      } else if (outcome.kind === 'gone') {
        await this.subscriptions.delete(this.db, target.id);
        report.removed.push(target.id);
        this.logger.info(
          { subscriptionId: target.id, userId, status: outcome.status },
          'push subscription gone; deleted',
        );
      } else {
        report.failed.push({ subscriptionId: target.id, error: outcome.error });
        this.logger.warn({ subscriptionId: target.id, userId, error: outcome.error }, 'push failed');
      }
    }
    return report;
  }
}
