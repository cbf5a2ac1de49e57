// WebTerminal v0 messages (generated from proto/ by ts-proto): codecs for protobuf and canonical JSON.
export {
  WebTerminalMessage,
  Offer as TerminalOffer,
  Answer as TerminalAnswer,
  Ringing as TerminalRinging,
  Bye as TerminalBye,
  Idle as TerminalIdle,
  InCall as TerminalInCall,
  Error as TerminalError,
  Error_Code as TerminalErrorCode,
  Action as TerminalAction,
  ToPhone as TerminalToPhone,
  PhoneNumber,
} from '../generated/messages/wgtwo/webterminal/v0/web_terminal.js';

/** Fully-qualified names the one implementation is served under. */
export const WebTerminalServiceNames = {
  original: 'wgtwo.webterminal.v0.WebTerminalService',
  parley: 'parley.webterminal.v0.WebTerminalService',
} as const;

/** Largest SDP the core relays; bigger offers are refused. */
export const MAX_SDP_BYTES = 64 * 1024;
export { TerminalMessages, isE164 } from './builders.js';
