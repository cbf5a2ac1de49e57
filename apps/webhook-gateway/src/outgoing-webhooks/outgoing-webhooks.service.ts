import { randomUUID } from 'node:crypto';
import type { Database } from '@parley/db';
import { DelayedJobs, type BusEvent, type DelayedJob, type EventBus } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import type {
  CreateWebhookEndpointRequest,
  CreatedWebhookEndpoint,
  RotatedWebhookSecret,
  UpdateWebhookEndpointRequest,
  WebhookDeliveryList,
  WebhookDeliveryListQuery,
  WebhookEndpoint,
} from '@parley/protocol';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type OutboundTargets,
  type ServiceMetrics,
} from '@parley/service-kit';
import { WebhookGatewayMetrics } from '../metrics.js';
import { z } from 'zod';
import type { OutgoingWebhooksConfig } from '../config/config.js';
import {
  activeSecrets,
  afterFailedAttempt,
  deliveryIdFor,
  disableReason,
  endpointDisabledWebhook,
  isDisabledNoticeOf,
  newWebhookSecret,
  signedHeaders,
  webhookIdOf,
  webhooksOfEvent,
  type OutgoingWebhookSourceTopic,
} from './delivery-rules.js';
import type { EndpointConcurrency } from './endpoint-concurrency.js';
import type { SecretBox } from './secret-box.js';
import {
  publicEndpoint,
  type OutgoingWebhooksRepository,
  type StoredEndpoint,
} from './outgoing-webhooks.repository.js';
import type { SendOutcome } from './webhook-sender.js';

export type SendWebhook = (
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
) => Promise<SendOutcome>;

/** The job of attempt `attempt`; one id per attempt, so scheduling the same attempt twice runs it once. */
const attemptJobId = (deliveryId: string, attempt: number): string => `whd-${deliveryId}-${attempt}`;

/**
 * Machine clients' webhook endpoints, the deliveries of bus events to them and each delivery's attempts.
 * Everything a delivery needs is in PostgreSQL and its next attempt is a delayed job in Redis, so a restart
 * of any replica loses nothing: the job runs in whichever replica is up.
 */
export class OutgoingWebhooksService {
  private readonly attempts: { inc(labels: { status: string }): void } | undefined;

  constructor(
    private readonly db: Database,
    private readonly repo: OutgoingWebhooksRepository,
    private readonly bus: EventBus,
    private readonly concurrency: EndpointConcurrency,
    private readonly send: SendWebhook,
    private readonly targets: OutboundTargets,
    private readonly secrets: SecretBox,
    private readonly config: OutgoingWebhooksConfig,
    private readonly logger: Logger,
    metrics?: ServiceMetrics,
  ) {
    this.attempts = metrics?.counter(WebhookGatewayMetrics.deliveryAttempts);
  }

  // ---- endpoints (REST) ----

  async createEndpoint(clientId: string, req: CreateWebhookEndpointRequest): Promise<CreatedWebhookEndpoint> {
    this.checkTarget(req.url);
    const secret = newWebhookSecret();
    const id = randomUUID();
    const endpoint = await this.repo.insertEndpoint(this.db, {
      id,
      clientId,
      url: req.url,
      topics: req.topics,
      description: req.description ?? null,
      maxConcurrency: req.maxConcurrency,
      secret: this.secrets.seal(secret, id),
    });
    this.logger.info(
      { endpointId: endpoint.id, clientId, topics: endpoint.topics },
      'webhook endpoint created',
    );
    return { endpoint: publicEndpoint(endpoint), secret };
  }

  async listEndpoints(clientId: string): Promise<WebhookEndpoint[]> {
    return (await this.repo.endpointsOf(this.db, clientId)).map(publicEndpoint);
  }

  async getEndpoint(clientId: string, id: string): Promise<WebhookEndpoint> {
    return publicEndpoint(await this.ownEndpoint(clientId, id));
  }

  async updateEndpoint(
    clientId: string,
    id: string,
    req: UpdateWebhookEndpointRequest,
  ): Promise<WebhookEndpoint> {
    const current = await this.ownEndpoint(clientId, id);
    if (req.url !== undefined) this.checkTarget(req.url);
    const disabled =
      req.disabled === undefined || req.disabled === current.disabled
        ? undefined
        : req.disabled
          ? { value: true, reason: 'disabled by its client', at: new Date() }
          : { value: false, reason: null, at: null };
    const updated = await this.repo.updateEndpoint(this.db, id, {
      url: req.url,
      topics: req.topics,
      description: req.description,
      maxConcurrency: req.maxConcurrency,
      disabled,
    });
    if (!updated) throw new NotFoundError('no such webhook endpoint');
    return publicEndpoint(updated);
  }

  /** An endpoint on an internal address is refused at once; a name is checked again at each delivery. */
  private checkTarget(url: string): void {
    const refusal = this.targets.urlRefusal(url);
    if (refusal) throw new ValidationError(`url: ${refusal}`, [{ path: 'body.url', message: refusal }]);
  }

  async deleteEndpoint(clientId: string, id: string): Promise<void> {
    await this.ownEndpoint(clientId, id);
    await this.repo.deleteEndpoint(this.db, id);
  }

  async rotateSecret(clientId: string, id: string): Promise<RotatedWebhookSecret> {
    await this.ownEndpoint(clientId, id);
    const secret = newWebhookSecret();
    const previousSecretExpiresAt = new Date(Date.now() + this.config.secretOverlapMs);
    await this.repo.rotateSecret(this.db, id, this.secrets.seal(secret, id), previousSecretExpiresAt);
    this.logger.info({ endpointId: id, previousSecretExpiresAt }, 'webhook secret rotated');
    return { secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() };
  }

  async deliveries(
    clientId: string,
    id: string,
    query: WebhookDeliveryListQuery,
  ): Promise<WebhookDeliveryList> {
    await this.ownEndpoint(clientId, id);
    if (query.cursor !== undefined && !z.uuid().safeParse(query.cursor).success)
      throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor of this list' }]);
    return this.repo.deliveriesOf(this.db, id, query.limit, query.cursor);
  }

  /** Sends a delivery again with the same `webhook-id` and body, and the whole retry schedule. */
  async redeliver(clientId: string, id: string, deliveryId: string): Promise<void> {
    const endpoint = await this.ownEndpoint(clientId, id);
    const delivery = await this.repo.deliveryById(this.db, deliveryId);
    if (!delivery || delivery.endpointId !== endpoint.id) throw new NotFoundError('no such delivery');
    if (endpoint.disabled) throw new ConflictError('the endpoint is disabled; enable it first');
    if (isDisabledNoticeOf(delivery))
      throw new ConflictError('this entry records the endpoint being disabled; it is not sent to it');
    const restarted = await this.repo.restartDelivery(this.db, deliveryId);
    if (!restarted) throw new ConflictError('the delivery is still pending');
    // A job id of its own: the next attempt's usual id may already be kept by the bus from an earlier run.
    const attempt = restarted.attemptsMade + 1;
    await this.bus.scheduleDelayed(
      DelayedJobs.webhookDelivery,
      `${attemptJobId(deliveryId, attempt)}-r${randomUUID()}`,
      { deliveryId, attempt },
      0,
    );
  }

  /** Another client's endpoint is answered exactly like a missing one. */
  private async ownEndpoint(clientId: string, id: string): Promise<StoredEndpoint> {
    const endpoint = await this.repo.endpointById(this.db, id);
    if (!endpoint || endpoint.clientId !== clientId) throw new NotFoundError('no such webhook endpoint');
    return endpoint;
  }

  // ---- fan-out (bus consumer) ----

  /**
   * One delivery per (webhook, enabled endpoint subscribed to its type), its first attempt due at once. A bus
   * redelivery of the event finds the rows already there; a first attempt that was never scheduled (a crash
   * between the two) is scheduled again, and one that was is not run twice (same job id).
   */
  async fanOut(event: BusEvent<OutgoingWebhookSourceTopic>): Promise<void> {
    const webhooks = webhooksOfEvent(event);
    const endpoints = await this.repo.enabledEndpointsFor(
      this.db,
      webhooks.map((w) => w.type),
    );
    for (const webhook of webhooks) {
      for (const endpoint of endpoints.filter((e) => e.topics.includes(webhook.type))) {
        const id = deliveryIdFor(event.id, webhook.type, endpoint.id);
        await this.repo.insertDelivery(this.db, {
          id,
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: webhook.type,
          body: webhook.body,
        });
        const delivery = await this.repo.deliveryById(this.db, id);
        if (delivery?.status === 'pending' && delivery.attemptsMade === 0)
          await this.scheduleAttempt(id, 1, 0);
      }
    }
  }

  // ---- attempts (delayed job) ----

  async runDeliveryJob(job: DelayedJob<typeof DelayedJobs.webhookDelivery>): Promise<void> {
    const { deliveryId, attempt } = job.payload;
    const delivery = await this.repo.deliveryById(this.db, deliveryId);
    // Gone with its endpoint, finished, or this attempt already made (a job run twice): nothing to do.
    if (!delivery || delivery.status !== 'pending' || delivery.attemptsMade >= attempt) return;
    const endpoint = await this.repo.endpointById(this.db, delivery.endpointId);
    if (!endpoint) return;
    const log = this.logger.child({ deliveryId, endpointId: endpoint.id, attempt });
    if (endpoint.disabled) {
      await this.repo.setDeliveryStatus(this.db, deliveryId, 'failed');
      log.info('endpoint disabled: delivery not attempted');
      return;
    }

    const lease = `${deliveryId}:${attempt}:${randomUUID()}`;
    if (!(await this.concurrency.acquire(endpoint.id, lease, endpoint.maxConcurrency))) {
      // The endpoint is busy: the same attempt again shortly, not counted as an attempt.
      await this.bus.scheduleDelayed(
        DelayedJobs.webhookDelivery,
        `${attemptJobId(deliveryId, attempt)}-w${randomUUID()}`,
        { deliveryId, attempt },
        this.config.busyRetryMs,
      );
      return;
    }
    const at = new Date();
    let outcome: SendOutcome;
    try {
      const secrets = activeSecrets(
        {
          secret: this.secrets.open(endpoint.secret, endpoint.id),
          previousSecret:
            endpoint.previousSecret === null ? null : this.secrets.open(endpoint.previousSecret, endpoint.id),
          previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
        },
        at,
      );
      const headers = signedHeaders(webhookIdOf(deliveryId), delivery.body, secrets, at);
      outcome = await this.send(endpoint.url, headers, delivery.body, this.config.timeoutMs);
    } finally {
      await this.concurrency.release(endpoint.id, lease).catch((err: unknown) => {
        log.warn({ err }, 'could not release the in-flight lease (it expires by itself)');
      });
    }

    const next = outcome.ok
      ? undefined
      : afterFailedAttempt(attempt, delivery.scheduleBase, this.config.retryScheduleMs);
    const status = outcome.ok ? 'succeeded' : next?.next === 'retry' ? 'pending' : 'dead';
    const { recorded, streak } = await this.db.transaction(async (tx) => {
      // Deleted meanwhile: its deliveries went with it.
      if (!(await this.repo.lockEndpoint(tx, endpoint.id))) return { recorded: false, streak: undefined };
      const recorded = await this.repo.recordAttempt(
        tx,
        deliveryId,
        {
          attempt,
          at,
          responseStatus: outcome.responseStatus,
          durationMs: outcome.durationMs,
          error: outcome.error,
        },
        status,
      );
      const streak = recorded ? await this.repo.recordOutcome(tx, endpoint.id, outcome.ok, at) : undefined;
      return { recorded, streak };
    });
    if (!recorded) return;
    this.attempts?.inc({ status: status === 'pending' ? 'retrying' : status });
    log.info(
      {
        status,
        responseStatus: outcome.responseStatus,
        durationMs: outcome.durationMs,
        error: outcome.error,
      },
      'webhook attempt',
    );
    if (next?.next === 'retry') await this.scheduleAttempt(deliveryId, next.attempt, next.delayMs);
    if (streak) await this.disableWhenFailingTooLong(endpoint, streak, log);
  }

  /**
   * Disables the endpoint when its streak is long enough, and says so: a `webhook.endpoint.disabled` entry
   * in its own delivery log, and a delivery of that event to each other enabled endpoint of the same client
   * subscribed to it. Only the attempt that actually disables it does this (the update is conditional).
   */
  private async disableWhenFailingTooLong(
    endpoint: StoredEndpoint,
    streak: { consecutiveFailures: number; failingSince: Date | null },
    log: Logger,
  ): Promise<void> {
    const disabledAt = new Date();
    const reason = disableReason(streak, this.config.disableAfter, disabledAt);
    if (!reason) return;
    const notified = await this.db.transaction(async (tx) => {
      // The conditional UPDATE is the lock: no FOR UPDATE, which would conflict with the deliveries' foreign
      // keys when two endpoints of a client are disabled at once, each notifying the other.
      const disabled = await this.repo.disableEndpoint(tx, endpoint.id, reason, disabledAt);
      if (!disabled) return undefined;
      const webhook = endpointDisabledWebhook(disabled, reason, disabledAt);
      await this.repo.insertLogEntry(tx, {
        id: deliveryIdFor(webhook.eventId, webhook.type, disabled.id),
        endpointId: disabled.id,
        eventId: webhook.eventId,
        eventType: webhook.type,
        body: webhook.body,
      });
      const others = await this.repo.enabledEndpointsOfClientFor(
        tx,
        disabled.clientId,
        webhook.type,
        disabled.id,
      );
      const deliveryIds: string[] = [];
      for (const other of others) {
        const id = deliveryIdFor(webhook.eventId, webhook.type, other.id);
        await this.repo.insertDelivery(tx, {
          id,
          endpointId: other.id,
          eventId: webhook.eventId,
          eventType: webhook.type,
          body: webhook.body,
        });
        deliveryIds.push(id);
      }
      return deliveryIds;
    });
    if (!notified) return;
    log.warn(
      { reason, notifiedEndpoints: notified.length },
      'webhook endpoint disabled after sustained failure',
    );
    for (const id of notified) await this.scheduleAttempt(id, 1, 0);
  }

  private async scheduleAttempt(deliveryId: string, attempt: number, delayMs: number): Promise<void> {
    await this.bus.scheduleDelayed(
      DelayedJobs.webhookDelivery,
      attemptJobId(deliveryId, attempt),
      { deliveryId, attempt },
      delayMs,
    );
  }
}
