import { describe, expect, it } from 'vitest';
import { callControlsView, formatCallDuration, type CallControlFacts } from './controls-state';

const active: CallControlFacts = {
  state: 'active',
  microphoneEnabled: true,
  cameraEnabled: true,
  screenSharing: false,
  hasMicrophone: true,
  hasCamera: true,
  canShareScreen: true,
  fullscreen: false,
  canFullscreen: true,
};

describe('callControlsView', () => {
  it('an active video call offers mute, camera off, share and full screen, nothing pressed', () => {
    const v = callControlsView(active);
    expect([v.mic.label, v.camera.label, v.screen.label, v.fullscreen.label]).toEqual([
      'Mute',
      'Turn camera off',
      'Share screen',
      'Full screen',
    ]);
    expect([v.mic, v.camera, v.screen, v.fullscreen].some((b) => b.pressed || b.disabled || b.hidden)).toBe(
      false,
    );
  });

  it('muted: the mic button is pressed and offers to unmute', () => {
    expect(callControlsView({ ...active, microphoneEnabled: false }).mic).toMatchObject({
      label: 'Unmute',
      pressed: true,
    });
  });

  it('sharing: the share button is pressed and offers to stop', () => {
    expect(callControlsView({ ...active, screenSharing: true, cameraEnabled: false }).screen).toMatchObject({
      label: 'Stop sharing',
      pressed: true,
    });
  });

  it('an audio call hides the camera button but still shares the screen', () => {
    const v = callControlsView({ ...active, hasCamera: false, cameraEnabled: false });
    expect(v.camera.hidden).toBe(true);
    expect(v.screen.hidden).toBe(false);
  });

  it('no microphone: the mic button says so and cannot be pressed', () => {
    expect(callControlsView({ ...active, hasMicrophone: false, microphoneEnabled: false }).mic).toMatchObject(
      {
        label: 'No microphone',
        pressed: false,
        disabled: true,
      },
    );
  });

  it('while dialing the screen cannot be shared yet', () => {
    expect(callControlsView({ ...active, state: 'dialing' }).screen.disabled).toBe(true);
  });

  it('without getDisplayMedia or the Fullscreen API those buttons are hidden', () => {
    const v = callControlsView({ ...active, canShareScreen: false, canFullscreen: false });
    expect(v.screen.hidden && v.fullscreen.hidden).toBe(true);
  });
});

describe('formatCallDuration', () => {
  it.each([
    [0, '0:00'],
    [7, '0:07'],
    [133, '2:13'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [3725.9, '1:02:05'],
    [-3, '0:00'],
  ])('%s s → %s', (s, text) => expect(formatCallDuration(s)).toBe(text));
});
