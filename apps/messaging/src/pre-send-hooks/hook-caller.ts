import { randomUUID } from 'node:crypto';
import type { PreSendHookCall } from '@parley/protocol';
import { OUTBOUND_REFUSED, type OutboundFetch } from '@parley/service-kit';
import { Webhook } from 'standardwebhooks';
import type { HookCallResult } from './pre-send-decision.js';

/** A hook's answer larger than this is not a decision anyone meant to send. */
const MAX_ANSWER_BYTES = 256 * 1024;

export interface HookTarget {
  url: string;
  secret: string;
  timeoutMs: number;
}

/**
 * POSTs one signed pre-send call through `outboundFetch`, which refuses internal targets that are not
 * listed and pools keep-alive connections per origin, so back-to-back sends to the same hook reuse
 * connections instead of paying a TCP (and TLS) handshake each. The timeout covers the whole exchange,
 * answer body included.
 */
export async function callPreSendHook(
  outboundFetch: OutboundFetch,
  target: HookTarget,
  call: PreSendHookCall,
): Promise<HookCallResult> {
  const payload = JSON.stringify(call);
  const msgId = `msg_${randomUUID()}`;
  const at = new Date();
  const signature = new Webhook(target.secret).sign(msgId, at, payload);
  const signal = AbortSignal.timeout(target.timeoutMs);
  try {
    const res = await outboundFetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': msgId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: payload,
      redirect: 'manual',
      signal,
    });
    const body = await readCapped(res);
    return { kind: 'answered', status: res.status, body };
  } catch (err) {
    if (signal.aborted) return { kind: 'failed', reason: 'timeout' };
    const cause = (err as { cause?: { code?: unknown; message?: string } }).cause;
    return {
      kind: 'failed',
      reason: 'network',
      detail: cause?.code === OUTBOUND_REFUSED ? cause.message : undefined,
    };
  }
}

async function readCapped(res: Response): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > MAX_ANSWER_BYTES) {
    await res.body?.cancel();
    return '\u0000too large';
  }
  const text = await res.text();
  return text.length > MAX_ANSWER_BYTES ? '\u0000too large' : text;
}
