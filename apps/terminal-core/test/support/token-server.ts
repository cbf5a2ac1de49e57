import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Scopes, TokenIssuer } from '@parley/auth';

/** A token issuer publishing its JWKS over HTTP, as the messaging service does. */
export class TokenServer {
  private server: Server | undefined;
  issuer!: TokenIssuer;
  jwksUrl = '';

  async start(): Promise<void> {
    this.issuer = await TokenIssuer.create({
      issuer: 'parley-messaging',
      audience: 'parley',
      accessTokenTtlSeconds: 600,
    });
    this.server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.issuer.jwks()));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async tokenFor(msisdn: string | undefined, scopes: string[] = [Scopes.callControl]): Promise<string> {
    const t = await this.issuer.issueAccessToken({
      subject: crypto.randomUUID(),
      kind: 'user',
      scopes,
      ...(msisdn ? { msisdn } : {}),
    });
    return t.accessToken;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
