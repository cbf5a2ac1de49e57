import type { Messenger } from '@parley/sdk';
import type { VoiceSignal } from '@parley/protocol';

/** Free data of a signal (`caller_name`, `operator_name`, `duration_seconds`, `end_reason`, …). */
export type SignalData = Readonly<Record<string, unknown>> | undefined;

export type PeerSignalHandler = (
  iss: string,
  cid: string,
  callId: string,
  peerInfo: string,
  data: SignalData,
  signal: VoiceSignal,
) => void;
export type PlainSignalHandler = (
  iss: string,
  cid: string,
  callId: string,
  data: SignalData,
  signal: VoiceSignal,
) => void;

/** The part of the SDK's voice signalling the support calls use. */
export interface SupportVoice {
  onStart(handler: PeerSignalHandler): () => void;
  onAccept(handler: PeerSignalHandler): () => void;
  onBusy(handler: PlainSignalHandler): () => void;
  onStop(handler: PlainSignalHandler): () => void;
  onSetup(handler: PlainSignalHandler): () => void;
  onSummary(handler: PlainSignalHandler): () => void;
  start(to: string, cid: string, callId: string, peerInfo: string): Promise<unknown>;
  accept(to: string, cid: string, callId: string, peerInfo: string): Promise<unknown>;
  busy(to: string, cid: string, callId: string): Promise<unknown>;
  stop(to: string, cid: string, callId: string): Promise<unknown>;
}

export function supportVoiceOf(messenger: Messenger): SupportVoice {
  return (messenger as unknown as { voice(): SupportVoice }).voice();
}

/** A number from signal data (the summary's `duration_seconds`), or undefined. */
export function dataNumber(data: SignalData, key: string): number | undefined {
  const value = data?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function dataString(data: SignalData, key: string): string | undefined {
  const value = data?.[key];
  return typeof value === 'string' && value ? value : undefined;
}
