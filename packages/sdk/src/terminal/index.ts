export {
  Terminal,
  TerminalError,
  type TerminalOptions,
  type TerminalEvents,
  type OtherDeviceCall,
} from './terminal.js';
export { Call, OfferRefusedError, type CallEvents, type TerminalRtc, waitForIceGathering } from './call.js';
export {
  CallTransitions,
  IllegalCallTransitionError,
  canTransition,
  initialCallState,
  isCallEnded,
  transitionCall,
  type CallDirection,
  type CallEndReason,
  type CallEvent,
  type CallEventType,
  type CallSnapshot,
  type CallState,
} from './call-state.js';
export {
  TerminalMessages,
  decodeTerminalMessage,
  encodeTerminalMessage,
  isE164,
  normalizeMsisdn,
  terminalErrorName,
} from './terminal-messages.js';
export { terminalSocketUrl, type TerminalMode } from './terminal-connection.js';
export { sdpFingerprint, sdpHasVideo, sdpCandidateCount } from './sdp.js';
export {
  CallQualityMeter,
  QualityThresholds,
  classifyCallQuality,
  lossBetween,
  readCallStats,
  type CallQuality,
  type CallQualitySample,
  type InboundCounters,
} from './call-quality.js';
export { coreIceServers, iceServersUrl } from './ice-servers.js';
export { isCallLogPart, messageCallLog } from './call-log.js';
