import {
  Catch,
  Controller,
  Get,
  Module,
  type ArgumentsHost,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, AuthorizationError } from './errors.js';
import { AuthModule } from './nest/auth.module.js';
import { CurrentPrincipal, Public, RequireScopes } from './nest/decorators.js';
import { JwtAuthGuard } from './nest/jwt-auth.guard.js';
import { TOKEN_VERIFIER } from './nest/tokens.js';
import { WsAuthGuard } from './nest/ws-auth.guard.js';
import type { Principal } from './principal.js';
import { Scopes } from './scopes.js';
import { TokenIssuer } from './tokens/issuer.js';
import { TokenVerifier } from './tokens/verifier.js';

const ISSUER = 'https://messaging.parley.test';
const AUDIENCE = 'parley';

/** Stands in for the app's own filter: domain errors become 401/403 with a machine-readable body. */
@Catch(AuthenticationError, AuthorizationError)
class AuthErrorsToHttpFilter implements ExceptionFilter {
  catch(error: AuthenticationError | AuthorizationError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{
      status(code: number): { json(body: unknown): void };
    }>();
    if (error instanceof AuthenticationError) {
      response.status(401).json({ error: 'unauthorized', reason: error.reason });
    } else {
      response.status(403).json({ error: 'forbidden', missingScopes: error.missingScopes });
    }
  }
}

@Controller('messages')
@RequireScopes(Scopes.messagesRead)
class MessagesController {
  @Get()
  list(@CurrentPrincipal() principal: Principal) {
    return { subject: principal.subject, kind: principal.kind, scopes: principal.scopes };
  }

  @Get('admin')
  @RequireScopes(Scopes.admin)
  adminView() {
    return { ok: true };
  }

  @Get('public')
  @Public()
  publicView(@CurrentPrincipal() principal: Principal | undefined) {
    return { ok: true, authenticated: principal !== undefined };
  }
}

@Public()
@Controller('health')
class HealthController {
  @Get()
  check() {
    return { status: 'ok' };
  }
}

describe('Nest guards over HTTP', () => {
  let issuer: TokenIssuer;
  let app: INestApplication;
  let baseUrl: string;

  async function tokenWith(scopes: string[]): Promise<string> {
    const issued = await issuer.issueAccessToken({
      subject: 'user-1',
      kind: 'user',
      scopes,
      username: 'alice',
    });
    return issued.accessToken;
  }

  function get(path: string, token?: string): Promise<Response> {
    return fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  }

  beforeAll(async () => {
    issuer = await TokenIssuer.create({ issuer: ISSUER, audience: AUDIENCE, accessTokenTtlSeconds: 300 });

    @Module({
      imports: [AuthModule.forRoot(issuer.verifier())],
      controllers: [MessagesController, HealthController],
      providers: [
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_FILTER, useClass: AuthErrorsToHttpFilter },
      ],
    })
    class TestAppModule {}

    app = await NestFactory.create(TestAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('provides the verifier under TOKEN_VERIFIER', () => {
    expect(app.get(TOKEN_VERIFIER)).toBeInstanceOf(TokenVerifier);
  });

  it('answers 401 missing_token without a token', async () => {
    const response = await get('/messages');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'unauthorized', reason: 'missing_token' });
  });

  it('answers 401 invalid_token for a token it cannot verify', async () => {
    const impostor = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 300,
    });
    const forged = await impostor.issueAccessToken({
      subject: 'x',
      kind: 'user',
      scopes: [Scopes.messagesRead],
    });
    const response = await get('/messages', forged.accessToken);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'unauthorized', reason: 'invalid_token' });
  });

  it('answers 401 expired_token for an expired token', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 600_000);
    const expired = await issuer.issueAccessToken({
      subject: 'user-1',
      kind: 'user',
      scopes: [Scopes.messagesRead],
    });
    vi.useRealTimers();

    const response = await get('/messages', expired.accessToken);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'unauthorized', reason: 'expired_token' });
  });

  it('lets a valid token with the scope through and injects the principal', async () => {
    const response = await get('/messages', await tokenWith([Scopes.messagesRead, Scopes.messagesWrite]));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      subject: 'user-1',
      kind: 'user',
      scopes: ['messages.read', 'messages.write'],
    });
  });

  it('answers 403 with the missing scope when the token lacks it', async () => {
    const response = await get('/messages', await tokenWith([Scopes.messagesWrite]));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'forbidden', missingScopes: ['messages.read'] });
  });

  it('adds handler scopes to controller scopes', async () => {
    const onlyAdmin = await get('/messages/admin', await tokenWith([Scopes.admin]));
    expect(onlyAdmin.status).toBe(403);
    expect(await onlyAdmin.json()).toEqual({ error: 'forbidden', missingScopes: ['messages.read'] });

    const both = await get('/messages/admin', await tokenWith([Scopes.messagesRead, Scopes.admin]));
    expect(both.status).toBe(200);
    expect(await both.json()).toEqual({ ok: true });
  });

  it('skips authentication on @Public() handlers and controllers', async () => {
    const publicHandler = await get('/messages/public');
    expect(publicHandler.status).toBe(200);
    expect(await publicHandler.json()).toEqual({ ok: true, authenticated: false });

    const publicController = await get('/health', 'garbage-token');
    expect(publicController.status).toBe(200);
    expect(await publicController.json()).toEqual({ status: 'ok' });
  });
});

describe('WsAuthGuard', () => {
  class ChatGateway {
    @RequireScopes(Scopes.messagesWrite)
    send() {}

    @Public()
    authenticate() {}
  }

  function wsContext(client: object, handler: () => void): ExecutionContext {
    const context = new ExecutionContextHost([client, {}, 'message'], ChatGateway, handler);
    context.setType('ws');
    return context;
  }

  function principal(scopes: string[], expiresAt = Math.floor(Date.now() / 1000) + 300): Principal {
    return { subject: 'user-1', kind: 'user', scopes, tokenId: 'jti-1', expiresAt };
  }

  const guard = new WsAuthGuard(new Reflector());
  const gateway = new ChatGateway();

  it('admits a connected client holding the required scope', () => {
    expect(guard.canActivate(wsContext({ principal: principal([Scopes.messagesWrite]) }, gateway.send))).toBe(
      true,
    );
  });

  it('refuses clients without a principal, with an expired one, or without the scope', () => {
    expect(() => guard.canActivate(wsContext({}, gateway.send))).toThrow(
      expect.objectContaining({ name: 'AuthenticationError', reason: 'missing_token' }),
    );
    expect(() =>
      guard.canActivate(wsContext({ principal: principal([Scopes.messagesWrite], 1000) }, gateway.send)),
    ).toThrow(expect.objectContaining({ name: 'AuthenticationError', reason: 'expired_token' }));
    expect(() =>
      guard.canActivate(wsContext({ principal: principal([Scopes.messagesRead]) }, gateway.send)),
    ).toThrow(expect.objectContaining({ name: 'AuthorizationError', missingScopes: [Scopes.messagesWrite] }));
  });

  it('lets @Public() handlers through, e.g. swapping in a fresh token', () => {
    expect(guard.canActivate(wsContext({}, gateway.authenticate))).toBe(true);
  });

  it('is what JwtAuthGuard applies to gateway handlers when installed globally', async () => {
    const verifier = (
      await TokenIssuer.create({ issuer: ISSUER, audience: AUDIENCE, accessTokenTtlSeconds: 60 })
    ).verifier();
    const jwtGuard = new JwtAuthGuard(verifier, new Reflector());
    await expect(
      jwtGuard.canActivate(wsContext({ principal: principal([Scopes.messagesWrite]) }, gateway.send)),
    ).resolves.toBe(true);
    await expect(jwtGuard.canActivate(wsContext({}, gateway.send))).rejects.toMatchObject({
      reason: 'missing_token',
    });
  });
});
