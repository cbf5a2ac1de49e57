// An HTTP client that sends exactly what it is given (any method, request target, header and byte), which
// fetch would refuse or normalise; for tests that throw hostile requests at a service.
import http from 'node:http';

export interface RawRequest {
  method: string;
  /** The request target as sent: path and query, already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface RawResponse {
  status: number;
  text: string;
}

export class RawHttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private readonly host: string;
  private readonly port: string;

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = url.port;
  }

  /** Resolves with the answer, whatever its status; rejects when there is none. */
  send(req: RawRequest, retry = true): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: this.host,
          port: this.port,
          method: req.method,
          path: req.path,
          headers: req.headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      outgoing.setTimeout(15_000, () => outgoing.destroy(new Error('no answer within 15 s')));
      outgoing.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed between two requests: Node's documented retry case.
        if (retry && outgoing.reusedSocket && err.code === 'ECONNRESET') resolve(this.send(req, false));
        else reject(err);
      });
      outgoing.end(req.body);
    });
  }

  /**
   * Sends a WebSocket upgrade request and resolves with the status of the answer (101 when accepted; the
   * socket is then dropped at once); rejects when there is no answer.
   */
  upgrade(path: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, path, headers, agent: false });
      req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Percent-encodes text byte by byte, lone surrogates included (as the three bytes a lenient encoder would
 * write, which are not UTF-8), so any string can travel in a path or a query.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : [...Buffer.from(ch, 'utf8')];
    for (const b of bytes)
      out += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
