import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@parley/logger';
import { createOutboundFetch, OutboundTargets, type OutboundFetch } from '@parley/service-kit';
import type {
  MessagePartInput,
  PreSendHook,
  PreSendHookCall,
  PutPreSendHookRequest,
  SendMessageRequest,
} from '@parley/protocol';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { LOGGER } from '../infrastructure/tokens.js';
import { callPreSendHook } from './hook-caller.js';
import { candidateScopes, normaliseScope } from './hook-scope.js';
import { HookUnavailableError, RejectedByHookError } from './pre-send-errors.js';
import { decidePreSend } from './pre-send-decision.js';
import { PreSendHooksRepository, toPreSendHook, type PreSendHookRow } from './pre-send-hooks.repository.js';

/**
 * Pre-send decision hooks: their configuration, and the synchronous call that decides whether (and with
 * which parts) a message is stored. The hook table is kept in memory for `cacheTtlMs`: a change made
 * through this node drops it at once, other nodes pick it up when their copy expires.
 */
@Injectable()
export class PreSendHooksService {
  private cache: { hooks: Map<string, PreSendHookRow>; loadedAt: number } | undefined;
  private loading: Promise<Map<string, PreSendHookRow>> | undefined;
  /** Bumped by every change, so a read that started before it can neither be reused nor cached. */
  private generation = 0;
  private readonly cacheTtlMs: number;
  private readonly targets: OutboundTargets;
  private readonly outboundFetch: OutboundFetch;

  constructor(
    @Inject(PreSendHooksRepository) private readonly repo: PreSendHooksRepository,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MESSAGING_CONFIG) config: MessagingConfig,
  ) {
    this.cacheTtlMs = config.preSendHooks.cacheTtlMs;
    this.targets = new OutboundTargets(config.outbound.allowedInternal);
    this.outboundFetch = createOutboundFetch(this.targets);
  }

  async list(): Promise<PreSendHook[]> {
    return (await this.repo.all()).map(toPreSendHook);
  }

  /** Creates or updates a scope's hook; the secret is returned when one is made (creation, rotation). */
  async put(
    actor: string,
    scope: string,
    req: PutPreSendHookRequest,
  ): Promise<{ hook: PreSendHook; secret?: string; created: boolean }> {
    // A hook on an internal address is refused at once; a name is checked again at each call.
    const refusal = this.targets.urlRefusal(req.url);
    if (refusal) throw new ValidationError(`url: ${refusal}`, [{ path: 'body.url', message: refusal }]);
    const newSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const { row, created } = await this.repo.upsert({
      scope: normaliseScope(scope),
      url: req.url,
      timeoutMs: req.timeoutMs,
      fallback: req.fallback,
      newSecret,
      rotate: req.rotateSecret === true,
      actor,
    });
    this.forgetHooks();
    const shown = created || req.rotateSecret === true;
    return { hook: toPreSendHook(row), ...(shown ? { secret: row.secret } : {}), created };
  }

  async remove(scope: string): Promise<void> {
    const removed = await this.repo.remove(normaliseScope(scope));
    this.forgetHooks();
    if (!removed) throw new NotFoundError('no pre-send hook for this scope');
  }

  /** Whether any hook is registered (from the cache): a send with none needs no look at it before storing. */
  async anyRegistered(): Promise<boolean> {
    return (await this.hooks()).size > 0;
  }

  /**
   * The parts to store for a send: the request's own, or the hook's replacement. Throws RejectedByHookError
   * (422) or HookUnavailableError (503) when the message must not be stored. No hook call for someone who
   * may not write there: the store refuses them anyway, and their text is not the customer's business.
   */
  async decideParts(
    senderId: string,
    conversationId: string,
    req: SendMessageRequest,
  ): Promise<MessagePartInput[]> {
    const hooks = await this.hooks();
    if (hooks.size === 0) return req.parts;
    const reader = await this.conversations.getForReader(senderId, conversationId).catch(() => undefined);
    if (!reader?.isParticipant) return req.parts;
    const type = reader.conversation.type;
    const scope = candidateScopes(conversationId, type).find((s) => hooks.has(s));
    if (!scope) return req.parts;
    const hook = hooks.get(scope)!;
    const call: PreSendHookCall = {
      type: 'message.pre_send',
      timestamp: new Date().toISOString(),
      data: {
        conversationId,
        conversationType: type,
        senderId,
        clientMessageId: req.clientMessageId,
        parts: req.parts,
        ...(req.replyTo ? { replyTo: req.replyTo } : {}),
        ...(req.mentions ? { mentions: req.mentions } : {}),
      },
    };
    const started = performance.now();
    const result = await callPreSendHook(
      this.outboundFetch,
      { url: hook.url, secret: hook.secret, timeoutMs: hook.timeout_ms },
      call,
    );
    const decision = decidePreSend(result, hook.fallback);
    this.logger.info(
      {
        scope,
        conversationId,
        clientMessageId: req.clientMessageId,
        outcome: decision.outcome,
        verdict: decision.verdict,
        status: result.kind === 'answered' ? result.status : undefined,
        error: result.kind === 'failed' ? result.detail : undefined,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      },
      'pre-send hook called',
    );
    switch (decision.verdict) {
      case 'accept':
        return req.parts;
      case 'replace':
        return decision.parts;
      case 'reject':
        throw new RejectedByHookError(decision.reason);
      case 'unavailable':
        throw new HookUnavailableError(decision.reason);
    }
  }

  private forgetHooks(): void {
    this.generation += 1;
    this.cache = undefined;
    this.loading = undefined;
  }

  private async hooks(): Promise<Map<string, PreSendHookRow>> {
    const cached = this.cache;
    if (cached && performance.now() - cached.loadedAt < this.cacheTtlMs) return cached.hooks;
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = this.repo.all().then((rows) => {
      const hooks = new Map(rows.map((r) => [r.scope, r]));
      if (generation === this.generation) this.cache = { hooks, loadedAt: performance.now() };
      return hooks;
    });
    this.loading = loading;
    const clear = () => {
      if (this.loading === loading) this.loading = undefined;
    };
    loading.then(clear, clear);
    return loading;
  }
}
