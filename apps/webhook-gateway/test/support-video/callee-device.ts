import { connectMessagingDevice, type MessagingDevice } from '@parley/testing';
import type { VoiceSignal } from '@parley/protocol';

/** A callee's device on messaging's WebSocket, read as the invites it rang with. */
export class CalleeDevice {
  private constructor(private readonly device: MessagingDevice) {}

  /** Resolves once messaging said `ready`: signals sent from then on arrive. */
  static async open(messagingUrl: string, token: string): Promise<CalleeDevice> {
    return new CalleeDevice(await connectMessagingDevice(messagingUrl, token));
  }

  get signals(): VoiceSignal[] {
    return this.device.signals;
  }

  /** The `start` signals of one invite (its call_id is the invite id). */
  invitesOf(inviteId: string): VoiceSignal[] {
    return this.device.signals.filter((s) => s.kind === 'start' && s.call_id === inviteId);
  }

  close(): void {
    this.device.close();
  }
}
