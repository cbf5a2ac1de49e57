import type { VideoInvite, VoipLinkBody } from '@parley/protocol';
import { formatCallDuration } from '../calls/controls/controls-state';
import { joinNames } from '../ui/format';

const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  parley: 'Parley',
  livekit: 'LiveKit',
  twilio: 'Twilio Video',
};

/** A provider's name as people know it; an unknown provider shows as registered. */
export function providerLabel(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** What the call card reads of a voip-link body. */
export type CallCardBody = Pick<VoipLinkBody, 'status' | 'media'> &
  Partial<Pick<VoipLinkBody, 'participants' | 'durationSeconds' | 'startedAt' | 'endedAt'>>;

/** The seconds an ended call lasted: as the provider reported it, else from its start and end. */
export function endedCallSeconds(body: CallCardBody): number {
  if (typeof body.durationSeconds === 'number') return body.durationSeconds;
  if (body.startedAt && body.endedAt)
    return Math.max(0, Math.round((Date.parse(body.endedAt) - Date.parse(body.startedAt)) / 1000));
  return 0;
}

/** The card's status line; `nameOf` turns a participant identity (a user id) into a name. */
export function callCardStatus(body: CallCardBody, nameOf: (identity: string) => string): string {
  switch (body.status) {
    case 'created':
    case 'ringing':
      return 'Calling…';
    case 'started': {
      const names = (body.participants ?? []).map(nameOf);
      return names.length > 0 ? `Active · ${joinNames(names)}` : 'Active';
    }
    case 'ended':
      return `Ended · ${formatCallDuration(endedCallSeconds(body))}`;
    case 'missed':
      return body.media === 'audio' ? 'Missed voice call' : 'Missed video call';
  }
}

/** The caller's line about an invite: ringing with its try, then how it ended. */
export function inviteStatusText(invite: Pick<VideoInvite, 'status' | 'tries' | 'maxTries'>): string {
  switch (invite.status) {
    case 'inviting':
      return `Ringing… (try ${Math.max(1, invite.tries)} of ${invite.maxTries})`;
    case 'answered':
      return 'Answered';
    case 'declined':
      return 'Declined';
    case 'missed':
      return 'No answer · missed video call';
    case 'failed':
      return 'Could not ring';
    case 'cancelled':
      return 'Cancelled';
  }
}
