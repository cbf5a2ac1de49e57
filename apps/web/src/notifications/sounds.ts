/**
 * The client's sounds, made with WebAudio (no audio files to ship): a short two-note chime for a new
 * message and a repeating ring for an incoming call. Browsers start an AudioContext only after a user
 * gesture; until then the sounds stay silent rather than failing.
 */
let context: AudioContext | undefined;

function audio(): AudioContext | undefined {
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctor) return undefined;
  context ??= new Ctor();
  if (context.state === 'suspended') void context.resume().catch(() => undefined);
  return context.state === 'running' ? context : undefined;
}

/** Lets the sounds play from now on: call from a user gesture (any click or key in the app). */
export function unlockSounds(): void {
  audio();
}

function tone(ctx: AudioContext, frequency: number, start: number, duration: number, volume: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.value = frequency;
  // A quick attack and an exponential fade: no clicks at either end.
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(volume, start + 0.015);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
  osc.connect(gain).connect(ctx.destination);
  osc.start(start);
  osc.stop(start + duration + 0.02);
}

/** A short rising chime (E5 → A5) for a new message. */
export function playMessageChime(): void {
  const ctx = audio();
  if (!ctx) return;
  const t = ctx.currentTime;
  tone(ctx, 659.25, t, 0.12, 0.15);
  tone(ctx, 880, t + 0.1, 0.18, 0.15);
}

/**
 * The ringtone: a dual-tone burst (440 + 480 Hz, as North American ringback) twice, then a pause, repeated
 * until stopped. Returns the stop function.
 */
export function startRingtone(): () => void {
  let stopped = false;
  const ring = () => {
    const ctx = audio();
    if (!ctx || stopped) return;
    const t = ctx.currentTime;
    for (const offset of [0, 0.5]) {
      tone(ctx, 440, t + offset, 0.4, 0.08);
      tone(ctx, 480, t + offset, 0.4, 0.08);
    }
  };
  ring();
  const timer = setInterval(ring, 2500);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
