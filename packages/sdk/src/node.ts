// Node-only helpers, kept out of the browser entry so bundles never pull in node:fs or `ws`.
import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from './realtime/realtime-connection.js';

export { FileStore } from './cache/file-store.js';

/** A WebSocket factory for Node 20 (which has no global WebSocket), built on the `ws` package. */
export const nodeWebSocket: WebSocketFactory = (url: string) =>
  new WebSocket(url) as unknown as WebSocketLike;
