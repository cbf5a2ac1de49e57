import { createServer, type AddressInfo } from 'node:net';

/** Ports this process has handed out: the OS may offer a released port again at once. */
const handedOut = new Set<number>();
const MAX_TRIES = 20;

/**
 * A TCP port that was free a moment ago on `host` (the OS picks it), and never one this process handed
 * out before: a test that asks for two ports (HTTP and gRPC, say) gets two different ones. Another process
 * may still take it before the caller binds it; prefer PORT=0 where the service under test can report the
 * port it bound.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const port = await portTheOsOffers(host);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no fresh free port on ${host} after ${MAX_TRIES} tries`);
}

function portTheOsOffers(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
