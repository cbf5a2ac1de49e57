/**
 * The envelope of a frame addressed to a list of users, published once on `FRAMES_TO_USERS_CHANNEL`, which
 * every messaging node subscribes to. Each node writes the frame to the devices of those users that it
 * holds. One publish per event, whatever the number of recipients, where a channel per user cost one per
 * recipient; and the frame travels as bytes that no node decodes: it is written to sockets as it arrived.
 *
 * Layout: the recipients' ids joined by commas, a newline, then the frame's JSON (UTF-8). Only messaging
 * nodes write and read it, so it lives here rather than in the public protocol.
 */
export const FRAMES_TO_USERS_CHANNEL = 'frames-to-users.v1';

const SEPARATOR = 0x0a; // '\n'
const ID_DELIMITER = ',';

export interface FrameToUsers {
  recipients: string[];
  /** The frame's JSON bytes: a view of the received message, not a copy. */
  frame: Buffer;
}

/** The message to publish; throws on an id that would break the layout (never the case for a uuid). */
export function encodeFrameToUsers(recipients: readonly string[], frameJson: string): string {
  for (const id of recipients)
    if (id.length === 0 || id.includes(ID_DELIMITER) || id.includes('\n'))
      throw new Error(`frames-to-users: not a user id: ${JSON.stringify(id)}`);
  return `${recipients.join(ID_DELIMITER)}\n${frameJson}`;
}

/** The envelope of a received message, or undefined when it is not one (no separator, no recipients). */
export function decodeFrameToUsers(message: Buffer): FrameToUsers | undefined {
  const end = message.indexOf(SEPARATOR);
  if (end <= 0) return undefined;
  const frame = message.subarray(end + 1);
  if (frame.length === 0) return undefined;
  // Ids are ASCII: latin1 is the cheapest exact decoding.
  return { recipients: message.toString('latin1', 0, end).split(ID_DELIMITER), frame };
}
