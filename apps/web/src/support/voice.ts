import type { VoiceData } from '@parley/protocol';

/** Free data of a signal (`caller_name`, `operator_name`, `duration_seconds`, `end_reason`, …). */
export type SignalData = Readonly<VoiceData> | undefined;

/** A number from signal data (the summary's `duration_seconds`), or undefined. */
export function dataNumber(data: SignalData, key: string): number | undefined {
  const value = data?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function dataString(data: SignalData, key: string): string | undefined {
  const value = data?.[key];
  return typeof value === 'string' && value ? value : undefined;
}
