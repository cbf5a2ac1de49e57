import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake provider received, as it arrived. */
export interface RecordedProviderRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

export type FakeProviderRoute = (request: RecordedProviderRequest, response: ServerResponse) => void;

function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** An HTTP server on 127.0.0.1 (the OS picks the port) that records every request before routing it. */
export async function listenRecording(
  requests: RecordedProviderRequest[],
  route: FakeProviderRoute,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedProviderRequest = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers: headersOf(request),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      try {
        route(recorded, response);
      } catch (error) {
        sendJson(response, 500, { message: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      })),
  };
}

/** POSTs a webhook body as it is, with the given headers; signing is the caller's. */
export function postWebhook(
  url: string,
  webhook: { body: string; contentType: string; headers: Readonly<Record<string, string>> },
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': webhook.contentType, ...webhook.headers },
    body: webhook.body,
  });
}
