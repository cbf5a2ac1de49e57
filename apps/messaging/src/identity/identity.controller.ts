import { Controller, Get, HttpCode, Inject, Patch, Post, Res } from '@nestjs/common';
import { Public, RequireScopes, Scopes, type TokenIssuer } from '@parley/auth';
import {
  AuthSession,
  LoginRequest,
  SignUpRequest,
  TokenRequest,
  TokenResponse,
  UpdateMeRequest,
  User,
  UserDirectoryPage,
  UserLookupQuery,
  UserParams,
} from '@parley/protocol';
import {
  CredentialsPolicies,
  CurrentUser,
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
import { UserDirectoryService } from './user-directory.service.js';

@Controller()
export class IdentityController {
  constructor(
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(TOKEN_ISSUER) private readonly issuer: TokenIssuer,
    @Inject(UserDirectoryService) private readonly directory: UserDirectoryService,
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

  /** The directory: names and avatars; a phone number only where its owner's privacy rule allows. */
  @Get('v1/users')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, UserDirectoryPage)
  async findUsers(
    @CurrentUser() viewerId: string,
    @ZodQuery(UserLookupQuery) query: z.infer<typeof UserLookupQuery>,
  ) {
    return this.directory.page(viewerId, query);
  }

  @Get('v1/users/:userId')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, User)
  async getUser(@CurrentUser() viewerId: string, @ZodParam(UserParams) params: z.infer<typeof UserParams>) {
    return this.directory.get(viewerId, params.userId);
  }

  /** The caller's own profile: display name, avatar, and whether everyone may see their number. */
  @Patch('v1/me')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, User)
  async updateMe(@CurrentUser() userId: string, @ZodBody(UpdateMeRequest) body: UpdateMeRequest) {
    return this.directory.updateMe(userId, body);
  }
}
