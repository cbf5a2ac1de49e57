/**
 * `data-testid` values of the call controls and the call log (listed here rather than in app/test-ids.ts
 * so the calls UI owns them; the same rule applies: add ids, never rename them).
 *
 *   call-controls          the control bar of the call window
 *   mic-toggle             mute / unmute; aria-pressed="true" while muted, data-enabled="true|false"
 *   camera-toggle          camera off / on; aria-pressed="true" while off
 *   screen-share-toggle    share the screen / stop; aria-pressed="true" while sharing
 *   fullscreen-toggle      the call window in full screen
 *   mic-select             microphone picker (shown when the device has more than one)
 *   camera-select          camera picker (shown when the device has more than one)
 *   call-timer             time since the call was answered, m:ss (h:mm:ss past an hour)
 *   call-quality           network quality: data-quality "good" | "fair" | "poor" | "unknown",
 *                          data-rtt-ms, data-loss-percent, data-jitter-ms
 *   remote-muted           shown over the remote video when the far end's audio is silent
 *   call-log               a call in the conversation history; data-call-id, data-outcome
 *                          "completed" | "missed" | "declined", data-duration (seconds)
 */
export const CallControlIds = {
  controls: 'call-controls',
  micToggle: 'mic-toggle',
  cameraToggle: 'camera-toggle',
  screenShareToggle: 'screen-share-toggle',
  fullscreenToggle: 'fullscreen-toggle',
  micSelect: 'mic-select',
  cameraSelect: 'camera-select',
  timer: 'call-timer',
  quality: 'call-quality',
  callLog: 'call-log',
} as const;
