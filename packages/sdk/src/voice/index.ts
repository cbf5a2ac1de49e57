export { Voice, type VoiceOfferHandler, type VoiceNoticeHandler } from './voice.js';
export type { SignalRetryPolicy } from './send-retry.js';
