import http from 'node:http';

/**
 * A minimal JSON client over node:http with a keep-alive agent. Lighter than fetch, which matters when
 * the load generator shares two cores with the service, PostgreSQL and Redis.
 * Never throws on HTTP errors: returns { status, body, bytes }.
 *
 * `idleTimeoutMs` closes a connection idle that long (or a second before the server's announced
 * keep-alive timeout, if sooner), so a request after a pause is not written to a connection the server is
 * closing at that moment (ECONNRESET). Without it idle connections stay open until the server closes them.
 */
export function createJsonClient(baseUrl, { maxSockets = 32, timeoutMs = 30_000, idleTimeoutMs } = {}) {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets,
    ...(idleTimeoutMs === undefined ? {} : { timeout: idleTimeoutMs }),
  });
  const { hostname, port } = new URL(baseUrl);
  let closed = false;

  function request(method, path, { token, body } = {}) {
    if (closed) return Promise.reject(new Error('client closed'));
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const req = http.request({ agent, hostname, port, method, path, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          let parsed;
          try {
            parsed = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
          } catch {
            parsed = raw.toString('utf8');
          }
          resolve({ status: res.statusCode, body: parsed, bytes: raw.length });
        });
      });
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  return {
    baseUrl,
    request,
    get: (path, token) => request('GET', path, { token }),
    post: (path, token, body) => request('POST', path, { token, body }),
    get closed() {
      return closed;
    },
    /** Stops all traffic: open sockets are destroyed and later requests fail at once. */
    close() {
      closed = true;
      agent.destroy();
    },
  };
}

/**
 * Runs `attempt` again (up to `tries` in all) when it fails with ECONNRESET: a keep-alive connection the
 * server closed as idle just as the request went out. Only for requests that are safe to repeat, such as
 * a send with the same clientMessageId. `onRetry` counts them.
 */
export async function retryOnReset(attempt, { tries = 3, onRetry = () => undefined } = {}) {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (err.code !== 'ECONNRESET' || n === tries) throw err;
      onRetry();
    }
  }
}
