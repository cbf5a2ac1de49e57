export type { Voice, VoiceOfferHandler, VoiceNoticeHandler } from './voice.js';
export type { SignalRetryPolicy } from './send-retry.js';
