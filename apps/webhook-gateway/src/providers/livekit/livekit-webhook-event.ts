import type { ProviderEvent } from '@parley/protocol';
import type { WebhookEvent } from 'livekit-server-sdk';
import { MalformedWebhookError } from '../webhook-errors.js';

/** The LiveKit webhook events Parley tracks and what each becomes; track, egress and ingress events are ignored. */
const trackedEvents = {
  room_started: 'call.started',
  participant_joined: 'participant.joined',
  participant_left: 'participant.left',
  room_finished: 'call.ended',
} as const satisfies Record<string, ProviderEvent['type']>;

function isTrackedEvent(event: string): event is keyof typeof trackedEvents {
  return Object.hasOwn(trackedEvents, event);
}

/** The event's `createdAt` (epoch seconds) as a date, or undefined when LiveKit left it out. */
export function liveKitEventCreatedAt(event: WebhookEvent): Date | undefined {
  return event.createdAt > 0n ? new Date(Number(event.createdAt) * 1000) : undefined;
}

/**
 * Turns one verified LiveKit webhook into Parley's events. The room is named by its name, the handle
 * clients join with and `deleteRoom` takes; the event id is LiveKit's own `id`. LiveKit reports no
 * duration with `room_finished`, so it is the time from the room's `creationTime` to the event.
 */
export function normaliseLiveKitWebhookEvent(event: WebhookEvent, receivedAt: Date): ProviderEvent[] {
  if (!isTrackedEvent(event.event)) return [];
  if (!event.id) throw new MalformedWebhookError('the event has no id');
  const roomId = event.room?.name;
  if (!roomId) throw new MalformedWebhookError(`${event.event} names no room`);
  const createdAt = liveKitEventCreatedAt(event) ?? receivedAt;
  const type = trackedEvents[event.event];
  const normalised: ProviderEvent = {
    provider: 'livekit',
    eventId: event.id,
    type,
    roomId,
    occurredAt: createdAt.toISOString(),
  };

  if (type === 'participant.joined' || type === 'participant.left') {
    const identity = event.participant?.identity;
    if (!identity) throw new MalformedWebhookError(`${event.event} names no participant identity`);
    normalised.identity = identity;
  }
  if (type === 'call.ended') {
    const roomCreatedAt = event.room?.creationTime ?? 0n;
    if (roomCreatedAt > 0n && event.createdAt >= roomCreatedAt) {
      normalised.durationSeconds = Number(event.createdAt - roomCreatedAt);
    }
  }
  return [normalised];
}
