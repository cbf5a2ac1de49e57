import {
  MessagePartInput,
  MessagingLimits,
  PreSendHookAnswer,
  type PreSendHookFallback,
} from '@parley/protocol';
import { z } from 'zod';
import { findPartContentIssues } from '../messages/part-content.js';
import { findPartSizeViolation } from '../messages/part-limits.js';

/** What came back from one hook call, before any policy is applied. */
export type HookCallResult =
  | { kind: 'answered'; status: number; body: string }
  | { kind: 'failed'; reason: 'timeout' | 'network'; detail?: string };

/** What happens to the message. `outcome` names the case for logs and metrics. */
export type PreSendDecision =
  | { verdict: 'accept'; outcome: PreSendOutcome }
  | { verdict: 'replace'; parts: MessagePartInput[]; outcome: PreSendOutcome }
  | { verdict: 'reject'; reason: string; outcome: PreSendOutcome }
  | { verdict: 'unavailable'; reason: string; outcome: PreSendOutcome };

export type PreSendOutcome =
  | 'accepted'
  | 'replaced'
  | 'rejected'
  | 'rejected_status'
  | 'timeout'
  | 'network_error'
  | 'bad_answer'
  | 'bad_replacement';

export const GENERIC_REJECT_REASON = 'the message was rejected by a pre-send hook';
export const UNAVAILABLE_REASON = 'the pre-send hook could not decide on the message';

const ReplacementParts = z.array(MessagePartInput).min(1).max(MessagingLimits.maxPartsPerMessage);

/**
 * The policy: a 2xx with `accept` or an empty body accepts; `reject` rejects with the hook's reason; a
 * valid `replace` stores the new parts; any other status rejects with a generic reason. When the hook
 * cannot decide (timeout, network error, a 2xx body that is no decision, a replacement a normal send would
 * refuse) the configured fallback decides: `accept` keeps the original parts, `reject` is `unavailable`.
 */
export function decidePreSend(result: HookCallResult, fallback: PreSendHookFallback): PreSendDecision {
  if (result.kind === 'failed')
    return fallbackDecision(result.reason === 'timeout' ? 'timeout' : 'network_error', fallback);
  if (result.status < 200 || result.status > 299)
    return { verdict: 'reject', reason: GENERIC_REJECT_REASON, outcome: 'rejected_status' };
  if (result.body.trim() === '') return { verdict: 'accept', outcome: 'accepted' };
  const answer = PreSendHookAnswer.safeParse(parseJson(result.body));
  if (!answer.success) return fallbackDecision('bad_answer', fallback);
  switch (answer.data.action) {
    case 'accept':
      return { verdict: 'accept', outcome: 'accepted' };
    case 'reject':
      return { verdict: 'reject', reason: answer.data.reason || GENERIC_REJECT_REASON, outcome: 'rejected' };
    case 'replace': {
      const parts = validReplacement(answer.data.parts);
      return parts
        ? { verdict: 'replace', parts, outcome: 'replaced' }
        : fallbackDecision('bad_replacement', fallback);
    }
  }
}

/** The replacement when a normal send would take it (schema, sizes, content rules), else undefined. */
export function validReplacement(parts: unknown[]): MessagePartInput[] | undefined {
  const parsed = ReplacementParts.safeParse(parts);
  if (!parsed.success) return undefined;
  if (findPartSizeViolation(parsed.data)) return undefined;
  if (findPartContentIssues(parsed.data).length > 0) return undefined;
  return parsed.data;
}

function fallbackDecision(outcome: PreSendOutcome, fallback: PreSendHookFallback): PreSendDecision {
  return fallback === 'accept'
    ? { verdict: 'accept', outcome }
    : { verdict: 'unavailable', reason: UNAVAILABLE_REASON, outcome };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
