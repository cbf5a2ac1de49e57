import { Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { Public, RequireScopes, Scopes, type TokenIssuer } from '@parley/auth';
import {
  AuthSession,
  LoginRequest,
  SignUpRequest,
  TokenRequest,
  TokenResponse,
  User,
  UserLookupQuery,
  UserParams,
} from '@parley/protocol';
import {
  CredentialsPolicies,
  RateLimit,
  ZodBody,
  ZodParam,
  ZodQuery,
  ZodResponse,
} from '@parley/service-kit';
import type { Response } from 'express';
import { z } from 'zod';
import { TOKEN_ISSUER } from '../infrastructure/tokens.js';
import { IdentityService } from './identity.service.js';

@Controller()
export class IdentityController {
  constructor(
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(TOKEN_ISSUER) private readonly issuer: TokenIssuer,
  ) {}

  @Public()
  @Post('v1/auth/signup')
  @RateLimit('signup')
  @ZodResponse(201, AuthSession, 'the new user and their tokens')
  async signUp(@ZodBody(SignUpRequest) body: SignUpRequest) {
    return this.identity.signUp(body);
  }

  @Public()
  @Post('v1/auth/login')
  @HttpCode(200)
  @RateLimit(...CredentialsPolicies)
  @ZodResponse(200, AuthSession, 'the user and their tokens')
  async login(@ZodBody(LoginRequest) body: LoginRequest) {
    return this.identity.login(body.username, body.password);
  }

  /** OAuth2 token endpoint: password, client_credentials and refresh_token grants, form or JSON body. */
  @Public()
  @Post('oauth/token')
  @HttpCode(200)
  @RateLimit(...CredentialsPolicies)
  @ZodResponse(200, TokenResponse, 'an access token (and a refresh token for users)')
  async token(@ZodBody(TokenRequest) body: TokenRequest, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    return this.identity.token(body);
  }

  @Public()
  @Get('.well-known/jwks.json')
  jwks(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'public, max-age=300');
    return this.issuer.jwks();
  }

  @Get('v1/users')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, z.object({ users: z.array(User) }))
  async findUsers(@ZodQuery(UserLookupQuery) query: z.infer<typeof UserLookupQuery>) {
    return { users: await this.identity.findUsers(query.username, query.q, query.limit) };
  }

  @Get('v1/users/:userId')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, User)
  async getUser(@ZodParam(UserParams) params: z.infer<typeof UserParams>) {
    return this.identity.getUser(params.userId);
  }
}
