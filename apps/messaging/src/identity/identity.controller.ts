import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  CurrentPrincipal,
  Public,
  RequireScopes,
  Scopes,
  type Principal,
  type TokenIssuer,
} from '@parley/auth';
import { LoginRequest, SignUpRequest, TokenRequest, UserLookupQuery, UserParams } from '@parley/protocol';
import type { Response } from 'express';
import { parseInput } from '../errors/parse-input.js';
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
  async signUp(@Body() body: unknown) {
    return this.identity.signUp(parseInput(SignUpRequest, body, 'body'));
  }

  @Public()
  @Post('v1/auth/login')
  @HttpCode(200)
  async login(@Body() body: unknown) {
    const { username, password } = parseInput(LoginRequest, body, 'body');
    return this.identity.login(username, password);
  }

  /** OAuth2 token endpoint: password, client_credentials and refresh_token grants, form or JSON body. */
  @Public()
  @Post('oauth/token')
  @HttpCode(200)
  async token(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    return this.identity.token(parseInput(TokenRequest, body, 'body'));
  }

  @Public()
  @Get('.well-known/jwks.json')
  jwks(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'public, max-age=300');
    return this.issuer.jwks();
  }

  @Get('v1/users')
  @RequireScopes(Scopes.messagesRead)
  async findUsers(@Query() query: unknown) {
    const { username, q, limit } = parseInput(UserLookupQuery, query, 'query');
    return { users: await this.identity.findUsers(username, q, limit) };
  }

  @Get('v1/users/:userId')
  @RequireScopes(Scopes.messagesRead)
  async getUser(@Param() params: unknown, @CurrentPrincipal() _principal: Principal) {
    const { userId } = parseInput(UserParams, params, 'params');
    return this.identity.getUser(userId);
  }
}
