import { describe, expect, it } from 'vitest';
import { PreparedTextFrame, type ManagedSocket } from '@parley/service-kit';
import { DeviceSession } from './device-session.js';
import { LocalDevices } from './local-devices.js';

/** A device whose socket keeps the payload of each frame written to it, as text. */
function device(
  id: string,
  userId: string,
): { session: DeviceSession; received: string[]; written: Array<string | PreparedTextFrame> } {
  const received: string[] = [];
  const written: Array<string | PreparedTextFrame> = [];
  const socket = {
    send: (data: string | PreparedTextFrame) => {
      written.push(data);
      received.push(data instanceof PreparedTextFrame ? data.payload.toString() : data);
    },
  } as unknown as ManagedSocket;
  return { session: new DeviceSession(id, userId, socket, 0), received, written };
}

describe('LocalDevices', () => {
  it("writes the same bytes to every device of each recipient, and to nobody else's", () => {
    const local = new LocalDevices();
    const annPhone = device('p', 'ann');
    const annLaptop = device('l', 'ann');
    const ben = device('b', 'ben');
    const cat = device('c', 'cat');
    for (const d of [annPhone, annLaptop, ben, cat]) local.add(d.session);

    expect(local.sendToUsers(['ann', 'ben', 'dan'], Buffer.from('{"type":"event"}'))).toBe(3);
    for (const d of [annPhone, annLaptop, ben]) expect(d.received).toEqual(['{"type":"event"}']);
    // Framed once: the very same frame object went to each socket.
    expect(new Set([annPhone, annLaptop, ben].map((d) => d.written[0])).size).toBe(1);
    expect(cat.received).toEqual([]);
  });

  it('forgets a removed device, and a user once their last device is gone', () => {
    const local = new LocalDevices();
    const phone = device('p', 'ann');
    const laptop = device('l', 'ann');
    local.add(phone.session);
    local.add(laptop.session);
    local.remove(phone.session);
    local.remove(phone.session); // twice: no effect

    expect(local.sendToUsers(['ann'], Buffer.from('1'))).toBe(1);
    local.remove(laptop.session);
    expect(local.sendToUsers(['ann'], Buffer.from('2'))).toBe(0);
    expect(phone.received).toEqual([]);
    expect(laptop.received).toEqual(['1']);
  });
});
