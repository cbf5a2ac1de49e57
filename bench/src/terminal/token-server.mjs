import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { TokenIssuer } from '@parley/auth';

/**
 * Stands in for the messaging service as the token issuer: signs access tokens in this process and
 * publishes the public keys at /.well-known/jwks.json on 127.0.0.1, where the core fetches them.
 */
export async function startTokenServer() {
  const issuer = await TokenIssuer.create({
    issuer: 'parley-messaging',
    audience: 'parley',
    accessTokenTtlSeconds: 3600,
  });
  const body = JSON.stringify(issuer.jwks());
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    /** An access token for a terminal of `msisdn`, with the scope the core requires. */
    async tokenFor(msisdn) {
      const { accessToken } = await issuer.issueAccessToken({
        subject: randomUUID(),
        kind: 'user',
        scopes: ['call.control.answer_and_initiate'],
        msisdn,
      });
      return accessToken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
