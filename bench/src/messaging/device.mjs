import WebSocket from 'ws';

/**
 * Opens one device WebSocket and resolves once the server sent `ready` (it is subscribed from then on).
 * Every later frame is handed to `onFrame(frame, receivedAt)`, with the time taken before parsing.
 */
export function connectDevice(baseUrl, token, onFrame, timeoutMs = 10_000) {
  const url = `${baseUrl.replace(/^http/, 'ws')}/v1/realtime?access_token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`device not ready within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      socket.terminate();
      reject(err);
    };
    let ready = false;
    socket.on('message', (data) => {
      const receivedAt = performance.now();
      const frame = JSON.parse(data.toString());
      if (!ready && frame.type === 'ready') {
        ready = true;
        clearTimeout(timer);
        resolve({ socket, close: () => socket.close() });
        return;
      }
      onFrame(frame, receivedAt);
    });
    socket.once('error', (err) => !ready && fail(err));
    socket.once('unexpected-response', (_req, res) =>
      fail(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)),
    );
    socket.once('close', (code) => !ready && fail(new Error(`WebSocket closed (${code}) before ready`)));
  });
}
