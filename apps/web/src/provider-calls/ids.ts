/**
 * `data-testid` values of provider calls, video invites and missed-call push (kept here, as Support keeps
 * its own; add ids, never rename them).
 *
 * Call card (an application/voip-link message, bound to the SDK's CallLink)
 *   call-card               the card: data-status created|ringing|started|ended|missed, data-provider,
 *                           data-gateway-call-id, data-participants (user ids, comma-separated)
 *   call-card-status        "Calling…", "Active · Alice, Bob", "Ended · 1:05", "Missed video call"
 *   call-card-provider      the provider's name ("Parley", "LiveKit", "Twilio Video")
 *   call-card-join          Join (hidden once the call is over or this device is in it)
 *   call-card-room          after Join on a provider without a link: the room id for the provider's app
 *
 * Conversation header
 *   start-video-call-button "Start video call": a call in the conversation through the gateway
 *   provider-picker         provider choice (only when the deployment offers more than one)
 *   video-invite-button     "Video call" (direct conversations): rings the other person up to 3 times
 *
 * Corner
 *   video-invite-outgoing   the caller's ringing invite: data-status inviting|answered|declined|missed|failed,
 *                           data-invite-id; video-invite-tries "Ringing… (try 2 of 3)"
 *   video-invite-tries
 *   video-invite-dismiss
 *   video-invite-incoming   an incoming video call: data-invite-id, data-caller-id; accept / decline inside
 *   video-invite-accept
 *   video-invite-decline
 *   in-app-call             the in-app (parley provider) call: data-state joining|waiting|connecting|connected,
 *                           data-role host|guest, data-gateway-call-id, data-connection
 *   in-app-call-hangup
 *   missed-call-notice      a push the service worker handed to this page ("Missed video call")
 *   missed-call-push-toggle "Notify me about missed calls" (aria-pressed once subscribed)
 *
 * `window.__parleyProviderCall.peerConnections()` lists the in-app call's RTCPeerConnections
 * (`peerConnection()`: the first).
 */
export const ProviderCallIds = {
  callCard: 'call-card',
  callCardStatus: 'call-card-status',
  callCardProvider: 'call-card-provider',
  callCardJoin: 'call-card-join',
  callCardRoom: 'call-card-room',
  startVideoCallButton: 'start-video-call-button',
  providerPicker: 'provider-picker',
  videoInviteButton: 'video-invite-button',
  videoInviteOutgoing: 'video-invite-outgoing',
  videoInviteTries: 'video-invite-tries',
  videoInviteDismiss: 'video-invite-dismiss',
  videoInviteIncoming: 'video-invite-incoming',
  videoInviteAccept: 'video-invite-accept',
  videoInviteDecline: 'video-invite-decline',
  inAppCall: 'in-app-call',
  inAppCallHangup: 'in-app-call-hangup',
  missedCallNotice: 'missed-call-notice',
  missedCallPushToggle: 'missed-call-push-toggle',
} as const;
