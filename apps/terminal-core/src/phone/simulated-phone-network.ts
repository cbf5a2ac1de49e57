import type { PhoneNetwork } from './phone-network.js';

/** A phone that rings for `answerDelayMs` and then answers; it keeps no media. */
export class SimulatedPhoneNetwork implements PhoneNetwork {
  readonly activeCalls = new Set<string>();

  constructor(private readonly answerDelayMs: number) {}

  async transferToPhone(msisdn: string, callId: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
    this.activeCalls.add(`${msisdn}/${callId}`);
  }

  async hangup(msisdn: string, callId: string): Promise<void> {
    this.activeCalls.delete(`${msisdn}/${callId}`);
  }
}
