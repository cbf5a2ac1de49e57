/** What the control bar shows for a call, from plain facts about it (no React, no WebRTC). */
export interface CallControlFacts {
  state: 'dialing' | 'ringing' | 'active' | 'ended';
  microphoneEnabled: boolean;
  cameraEnabled: boolean;
  screenSharing: boolean;
  /** The call has a local microphone / camera track at all. */
  hasMicrophone: boolean;
  hasCamera: boolean;
  /** The platform can capture the screen (getDisplayMedia exists). */
  canShareScreen: boolean;
  fullscreen: boolean;
  canFullscreen: boolean;
}

export interface ControlButton {
  label: string;
  pressed: boolean;
  disabled: boolean;
  hidden: boolean;
}

export interface CallControlsView {
  mic: ControlButton;
  camera: ControlButton;
  screen: ControlButton;
  fullscreen: ControlButton;
}

export function callControlsView(f: CallControlFacts): CallControlsView {
  const live = f.state !== 'ended';
  return {
    mic: {
      label: !f.hasMicrophone ? 'No microphone' : f.microphoneEnabled ? 'Mute' : 'Unmute',
      pressed: f.hasMicrophone && !f.microphoneEnabled,
      disabled: !live || !f.hasMicrophone,
      hidden: false,
    },
    camera: {
      label: !f.hasCamera ? 'No camera' : f.cameraEnabled ? 'Turn camera off' : 'Turn camera on',
      pressed: f.hasCamera && !f.cameraEnabled,
      // While the screen is shared the camera is not sent; its switch still decides what comes back.
      disabled: !live || !f.hasCamera,
      hidden: !f.hasCamera && !f.screenSharing,
    },
    screen: {
      label: f.screenSharing ? 'Stop sharing' : 'Share screen',
      pressed: f.screenSharing,
      // The far end must be connected to take a new offer.
      disabled: f.state !== 'active',
      hidden: !f.canShareScreen,
    },
    fullscreen: {
      label: f.fullscreen ? 'Exit full screen' : 'Full screen',
      pressed: f.fullscreen,
      disabled: !live,
      hidden: !f.canFullscreen,
    },
  };
}

/** m:ss, or h:mm:ss from an hour on. */
export function formatCallDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
