/**
 * The mobile network behind an msisdn. A call moved with ToPhone is handed to it; a telephony adapter (SIP,
 * a carrier API) implements this, and the built-in one simulates a phone that rings and answers.
 */
export interface PhoneNetwork {
  /** Rings the msisdn's phone with the call; resolves once it answered. */
  transferToPhone(msisdn: string, callId: string): Promise<void>;
  hangup(msisdn: string, callId: string): Promise<void>;
}

export const PHONE_NETWORK = Symbol('PHONE_NETWORK');
