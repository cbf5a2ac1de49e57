/**
 * Every consumer group. A group name is also its BullMQ queue name, so the jobs already waiting in Redis are
 * found under it: a shipped value is never renamed (add a new group and retire the old one instead).
 */
export const ConsumerGroups = {
  messagingWebhooks: 'messaging-webhooks',
  /** messaging: calls that ended, logged in the two parties' direct conversation. */
  messagingCallLog: 'messaging-call-log',
  /** voice-proxy: voice signals addressed to the proxy, and direct calls that reached nobody. */
  voiceProxy: 'voice-proxy',
  /** webhook-gateway: verified provider webhooks, applied to the gateway's call records. */
  webhookGateway: 'webhook-gateway',
  /** messaging: provider calls written into their conversation's voip-link message. */
  messagingCallLinks: 'messaging-call-links',
  /** webhook-gateway: conversation, voice and provider events matched against customers' webhook endpoints. */
  outgoingWebhooks: 'outgoing-webhooks',
  /** messaging: the support desk assigning visitors' conversations to operators. */
  supportDesk: 'support-desk',
} as const;

export type ConsumerGroup = (typeof ConsumerGroups)[keyof typeof ConsumerGroups];

/**
 * Lower-case kebab-case only. Besides readability this keeps group names apart from the bus's own keys
 * (which use `_`) and away from `:`, which BullMQ refuses in queue names.
 */
const groupNamePattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function assertGroupName(group: unknown): asserts group is string {
  if (typeof group !== 'string' || group.length > 100 || !groupNamePattern.test(group)) {
    throw new Error(
      `event bus: invalid consumer group name "${String(group)}" (expected lower-case kebab-case)`,
    );
  }
}
