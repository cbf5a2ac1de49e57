/**
 * `data-testid` values of Support (customers) and the operator console (kept here, as the call controls keep
 * theirs; add ids, never rename them).
 *
 * Customer
 *   support-button          sidebar: opens (or creates) the user's support conversation
 *   support-call-button     in the support conversation's header: calls support (disabled during a call)
 *   support-call            the support call panel: data-state "preparing" | "ringing" | "connected" | "busy" |
 *                           "ended", data-call-id, data-connection (the RTCPeerConnection's connectionState)
 *   support-call-status     the panel's status line ("Calling support…", "Connected to support"…)
 *   support-call-timer      time since support answered, m:ss
 *   support-busy            "Support is busy — we'll call you back" (data-state="busy")
 *   support-hangup          hang up / cancel
 *   support-call-dismiss    closes the panel after the call
 *
 * Operator
 *   support-console-button  sidebar: opens the operator console; data-available "true" | "false"
 *   operator-console        the console (main area)
 *   operator-availability   the availability switch: aria-pressed and data-available "true" | "false"
 *   operator-idle           "Waiting for calls" / "You are unavailable" when no call rings
 *   operator-incoming       a ringing call: data-call-id; operator-accept / operator-decline inside
 *   operator-accept
 *   operator-decline
 *   operator-call           the call being answered or talked: data-state "answering" | "connected",
 *                           data-call-id, data-connection
 *   operator-call-timer     time since answering, m:ss
 *   operator-hangup         hang up
 *   operator-history        the call detail records (newest first); operator-history-refresh reloads it
 *   operator-history-refresh
 *   operator-history-item   one record: data-call-id, data-state, data-end-reason, data-duration, data-answered
 *   operator-history-empty  "No support calls yet"
 *   support-error           the last failed action (availability, answering)
 *
 * Tests read the live support call's RTCPeerConnection through `window.__parleySupportCall.peerConnection()`.
 */
export const SupportIds = {
  supportButton: 'support-button',
  callButton: 'support-call-button',
  call: 'support-call',
  callStatus: 'support-call-status',
  callTimer: 'support-call-timer',
  busy: 'support-busy',
  hangup: 'support-hangup',
  dismiss: 'support-call-dismiss',

  consoleButton: 'support-console-button',
  console: 'operator-console',
  availability: 'operator-availability',
  idle: 'operator-idle',
  incoming: 'operator-incoming',
  accept: 'operator-accept',
  decline: 'operator-decline',
  operatorCall: 'operator-call',
  operatorTimer: 'operator-call-timer',
  operatorHangup: 'operator-hangup',
  history: 'operator-history',
  historyRefresh: 'operator-history-refresh',
  historyItem: 'operator-history-item',
  historyEmpty: 'operator-history-empty',
  error: 'support-error',
} as const;
