import { PreparedTextFrame } from '@parley/service-kit';
import type { DeviceSession } from './device-session.js';

/** The user devices connected to this node, by user: where the recipients of a fanned-out frame are looked up. */
export class LocalDevices {
  private readonly byUser = new Map<string, Set<DeviceSession>>();

  add(session: DeviceSession): void {
    let devices = this.byUser.get(session.userId);
    if (!devices) {
      devices = new Set();
      this.byUser.set(session.userId, devices);
    }
    devices.add(session);
  }

  remove(session: DeviceSession): void {
    const devices = this.byUser.get(session.userId);
    if (!devices?.delete(session)) return;
    if (devices.size === 0) this.byUser.delete(session.userId);
  }

  /**
   * Writes `payload` (a frame's JSON as UTF-8 bytes) to every device here of each recipient; returns how
   * many. The WebSocket frame is built once, on the first device found, and the same bytes go to each.
   */
  sendToUsers(recipients: Iterable<string>, payload: Buffer): number {
    let frame: PreparedTextFrame | undefined;
    let sent = 0;
    for (const userId of recipients) {
      const devices = this.byUser.get(userId);
      if (!devices) continue;
      frame ??= new PreparedTextFrame(payload);
      for (const session of devices) {
        session.sendRaw(frame);
        sent++;
      }
    }
    return sent;
  }
}
