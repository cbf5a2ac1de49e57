import type { ProviderEvent } from '@parley/protocol';
import { MalformedWebhookError } from '../webhook-errors.js';

/**
 * The parameters of a Twilio Video Rooms status callback (form fields, or the same names in a JSON body).
 * Twilio sends every value as a string; only the ones Parley reads are named.
 */
export type TwilioRoomCallbackParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The status callback events Parley tracks and what each becomes; track and recording events are ignored. */
const trackedEvents = {
  'room-created': 'call.started',
  'participant-connected': 'participant.joined',
  'participant-disconnected': 'participant.left',
  'room-ended': 'call.ended',
} as const satisfies Record<string, ProviderEvent['type']>;

type TrackedEvent = keyof typeof trackedEvents;

function isTrackedEvent(event: string): event is TrackedEvent {
  return Object.hasOwn(trackedEvents, event);
}

function single(params: TwilioRoomCallbackParams, name: string): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) {
    if (value.length > 1) throw new MalformedWebhookError(`${name} appears more than once`);
    return value[0];
  }
  return value === '' ? undefined : (value as string | undefined);
}

function required(params: TwilioRoomCallbackParams, name: string): string {
  const value = single(params, name);
  if (value === undefined) throw new MalformedWebhookError(`${name} is missing`);
  return value;
}

/** The callback's `Timestamp` (when Twilio reports it): what the replay window is measured on. */
export function readCallbackTimestamp(params: TwilioRoomCallbackParams): Date | undefined {
  const raw = single(params, 'Timestamp');
  if (raw === undefined) return undefined;
  const at = new Date(raw);
  if (Number.isNaN(at.getTime())) throw new MalformedWebhookError('Timestamp is not a date');
  return at;
}

/**
 * Twilio room callbacks carry no event id. Each tracked event happens at most once per room
 * (`room-created`, `room-ended`) or once per participant connection (a ParticipantSid names one
 * connection), so RoomSid + StatusCallbackEvent (+ ParticipantSid) names the event. Per-delivery fields
 * (Timestamp, SequenceNumber) are left out on purpose: a retried delivery must keep the same id.
 */
export function twilioEventId(
  roomSid: string,
  event: TrackedEvent,
  participantSid: string | undefined,
): string {
  return participantSid === undefined ? `${roomSid}/${event}` : `${roomSid}/${event}/${participantSid}`;
}

/** Turns one verified status callback into Parley's events: none for an event Parley does not track. */
export function normaliseTwilioRoomCallback(
  params: TwilioRoomCallbackParams,
  receivedAt: Date,
): ProviderEvent[] {
  const event = required(params, 'StatusCallbackEvent');
  if (!isTrackedEvent(event)) return [];
  const roomId = required(params, 'RoomSid');
  const occurredAt = (readCallbackTimestamp(params) ?? receivedAt).toISOString();
  const type = trackedEvents[event];

  if (type === 'participant.joined' || type === 'participant.left') {
    const participantSid = required(params, 'ParticipantSid');
    const identity = required(params, 'ParticipantIdentity');
    return [
      {
        provider: 'twilio',
        eventId: twilioEventId(roomId, event, participantSid),
        type,
        roomId,
        identity,
        occurredAt,
      },
    ];
  }

  const normalised: ProviderEvent = {
    provider: 'twilio',
    eventId: twilioEventId(roomId, event, undefined),
    type,
    roomId,
    occurredAt,
  };
  if (type === 'call.ended') {
    const duration = single(params, 'RoomDuration');
    if (duration !== undefined) {
      if (!/^\d+$/.test(duration))
        throw new MalformedWebhookError('RoomDuration is not a whole number of seconds');
      normalised.durationSeconds = Number(duration);
    }
  }
  return [normalised];
}
