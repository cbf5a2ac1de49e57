// Node-only helpers, kept out of the browser entry so bundles never pull in node:fs or `ws`.
import WebSocket from 'ws';
import { MachineClient, type MachineClientOptions } from './machine/machine-client.js';
import type { WebSocketFactory, WebSocketLike } from './realtime/realtime-connection.js';

export { FileStore } from './cache/file-store.js';

/** A WebSocket factory for Node 20 (which has no global WebSocket), built on the `ws` package. */
export const nodeWebSocket: WebSocketFactory = (url: string) =>
  new WebSocket(url) as unknown as WebSocketLike;

/**
 * A machine client (e.g. a voice proxy) on Node: `MachineClient.connect` with the `ws` WebSocket unless
 * another factory is given. Client secrets belong on servers, so this lives in the Node entry.
 */
export function connectMachineClient(options: MachineClientOptions): Promise<MachineClient> {
  return MachineClient.connect({ ...options, createWebSocket: options.createWebSocket ?? nodeWebSocket });
}
