import { describe, expect, it } from 'vitest';
import { decodeFrameToUsers, encodeFrameToUsers } from './frames-to-users.js';

const ann = '0b5e5c55-52c1-4a49-8a3e-111111111111';
const ben = '0b5e5c55-52c1-4a49-8a3e-222222222222';

describe('frames to users', () => {
  it('carries the recipients and the frame bytes unchanged, non-ASCII text included', () => {
    const frameJson = JSON.stringify({ type: 'event', event: { text: 'héllo\nwörld ✓' } });
    const decoded = decodeFrameToUsers(Buffer.from(encodeFrameToUsers([ann, ben], frameJson)));
    expect(decoded?.recipients).toEqual([ann, ben]);
    expect(decoded?.frame.equals(Buffer.from(frameJson))).toBe(true);
  });

  it('refuses to encode an id that would split differently on the other side', () => {
    expect(() => encodeFrameToUsers([`${ann},${ben}`], '{}')).toThrow(/not a user id/);
    expect(() => encodeFrameToUsers([`${ann}\n`], '{}')).toThrow(/not a user id/);
    expect(() => encodeFrameToUsers([''], '{}')).toThrow(/not a user id/);
  });

  it('reads a message that is not an envelope as nothing', () => {
    expect(decodeFrameToUsers(Buffer.from('{"type":"event"}'))).toBeUndefined();
    expect(decodeFrameToUsers(Buffer.from('\n{"type":"event"}'))).toBeUndefined();
    expect(decodeFrameToUsers(Buffer.from(`${ann}\n`))).toBeUndefined();
    expect(decodeFrameToUsers(Buffer.alloc(0))).toBeUndefined();
  });
});
