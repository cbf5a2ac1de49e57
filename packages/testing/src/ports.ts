import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port that was free a moment ago on `host` (the OS picks it). Another process may take it before
 * the caller binds it; prefer PORT=0 where the service under test can report the port it bound.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
