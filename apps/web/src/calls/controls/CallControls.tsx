import { useEffect, useState, type RefObject } from 'react';
import type { Call } from '@parley/sdk';
import { describeError } from '../../app/errors';
import { useToast } from '../../ui/toast';
import { callControlsView } from './controls-state';
import { CallControlIds } from './ids';
import { useCallQuality } from './use-call-quality';

function useInputDevices(call: Call): { audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] } {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  // Labels and ids are only complete once media is allowed: list again when the call's media changes.
  const hasMedia = !!call.localStream;
  useEffect(() => {
    if (!media?.enumerateDevices) return;
    let live = true;
    const list = () =>
      void media
        .enumerateDevices()
        .then((all) => live && setDevices(all))
        .catch(() => undefined);
    list();
    media.addEventListener?.('devicechange', list);
    return () => {
      live = false;
      media.removeEventListener?.('devicechange', list);
    };
  }, [media, hasMedia]);
  return {
    audio: devices.filter((d) => d.kind === 'audioinput' && d.deviceId),
    video: devices.filter((d) => d.kind === 'videoinput' && d.deviceId),
  };
}

function useFullscreen(target: RefObject<HTMLElement | null>): {
  active: boolean;
  supported: boolean;
  toggle: () => Promise<void>;
} {
  const [active, setActive] = useState(false);
  useEffect(() => {
    const update = () =>
      setActive(!!document.fullscreenElement && document.fullscreenElement === target.current);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, [target]);
  return {
    active,
    supported: typeof document !== 'undefined' && !!document.fullscreenEnabled,
    toggle: async () => {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await target.current?.requestFullscreen();
    },
  };
}

function QualityIndicator({ call }: { call: Call }) {
  const r = useCallQuality(call);
  const details = [
    r.rttMs !== undefined && `round trip ${Math.round(r.rttMs)} ms`,
    r.lossPercent !== undefined && `loss ${r.lossPercent.toFixed(1)} %`,
    r.jitterMs !== undefined && `jitter ${Math.round(r.jitterMs)} ms`,
  ].filter(Boolean);
  const text =
    r.quality === 'unknown' ? 'Measuring…' : `${r.quality[0]!.toUpperCase()}${r.quality.slice(1)} connection`;
  return (
    <span
      className={`call-quality call-quality-${r.quality}`}
      data-testid={CallControlIds.quality}
      data-quality={r.quality}
      data-rtt-ms={r.rttMs !== undefined ? Math.round(r.rttMs) : ''}
      data-loss-percent={r.lossPercent !== undefined ? r.lossPercent.toFixed(2) : ''}
      data-jitter-ms={r.jitterMs !== undefined ? Math.round(r.jitterMs) : ''}
      title={details.join(', ') || 'No measurements yet'}
      role="img"
      aria-label={`Network quality: ${r.quality}`}
    >
      <span className="call-quality-bars" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      <span className="sr-only">{text}</span>
    </span>
  );
}

/** Mute, camera, screen share, device pickers, full screen and the network quality of one call. */
export function CallControls({ call, stage }: { call: Call; stage: RefObject<HTMLElement | null> }) {
  const toast = useToast();
  const fullscreen = useFullscreen(stage);
  const devices = useInputDevices(call);
  const [sharingBusy, setSharingBusy] = useState(false);
  const view = callControlsView({
    state: call.state,
    microphoneEnabled: call.microphoneEnabled,
    cameraEnabled: call.cameraEnabled,
    screenSharing: call.screenSharing,
    hasMicrophone: call.hasMicrophone,
    hasCamera: call.hasCamera,
    canShareScreen: typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia,
    fullscreen: fullscreen.active,
    canFullscreen: fullscreen.supported,
  });

  const shareScreen = async () => {
    setSharingBusy(true);
    try {
      if (call.screenSharing) await call.stopScreenShare();
      else await call.startScreenShare();
    } catch (err) {
      // Closing the browser's picker is a choice, not an error worth a notice.
      if (!(err instanceof DOMException && err.name === 'NotAllowedError'))
        toast(`Could not share the screen: ${describeError(err)}`);
    } finally {
      setSharingBusy(false);
    }
  };
  const switchInput = (kind: 'audio' | 'video', deviceId: string) =>
    call
      .switchInput(kind, deviceId)
      .catch((err: unknown) => toast(`Could not switch: ${describeError(err)}`));

  return (
    <div
      className="call-media-controls"
      role="toolbar"
      aria-label="Call controls"
      data-testid={CallControlIds.controls}
    >
      <button
        type="button"
        className="button button-sm call-control"
        aria-pressed={view.mic.pressed}
        disabled={view.mic.disabled}
        onClick={() => call.setMicrophoneEnabled(!call.microphoneEnabled)}
        data-testid={CallControlIds.micToggle}
        data-enabled={String(call.microphoneEnabled)}
      >
        {view.mic.label}
      </button>
      {!view.camera.hidden && (
        <button
          type="button"
          className="button button-sm call-control"
          aria-pressed={view.camera.pressed}
          disabled={view.camera.disabled}
          onClick={() => call.setCameraEnabled(!call.cameraEnabled)}
          data-testid={CallControlIds.cameraToggle}
          data-enabled={String(call.cameraEnabled)}
        >
          {view.camera.label}
        </button>
      )}
      {!view.screen.hidden && (
        <button
          type="button"
          className="button button-sm call-control"
          aria-pressed={view.screen.pressed}
          disabled={view.screen.disabled || sharingBusy}
          onClick={() => void shareScreen()}
          data-testid={CallControlIds.screenShareToggle}
          data-sharing={String(call.screenSharing)}
        >
          {view.screen.label}
        </button>
      )}
      {!view.fullscreen.hidden && (
        <button
          type="button"
          className="button button-sm call-control"
          aria-pressed={view.fullscreen.pressed}
          disabled={view.fullscreen.disabled}
          onClick={() => void fullscreen.toggle().catch(() => undefined)}
          data-testid={CallControlIds.fullscreenToggle}
        >
          {view.fullscreen.label}
        </button>
      )}
      {devices.audio.length > 1 && (
        <select
          className="call-device-select"
          aria-label="Microphone"
          value={call.inputDevice('audio') ?? ''}
          onChange={(e) => void switchInput('audio', e.target.value)}
          data-testid={CallControlIds.micSelect}
        >
          {devices.audio.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `Microphone ${i + 1}`}
            </option>
          ))}
        </select>
      )}
      {devices.video.length > 1 && !view.camera.hidden && (
        <select
          className="call-device-select"
          aria-label="Camera"
          value={call.inputDevice('video') ?? ''}
          onChange={(e) => void switchInput('video', e.target.value)}
          data-testid={CallControlIds.cameraSelect}
        >
          {devices.video.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `Camera ${i + 1}`}
            </option>
          ))}
        </select>
      )}
      {call.state === 'active' && <QualityIndicator call={call} />}
    </div>
  );
}
