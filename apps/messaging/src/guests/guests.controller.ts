import { Controller, Get, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { CurrentPrincipal, Public, RequireScopes, Scopes, type Principal } from '@parley/auth';
import {
  CreateGuestRequest,
  CreateSiteRequest,
  GuestParams,
  GuestSession,
  MergeGuestRequest,
  MergeGuestResponse,
  SiteList,
  SiteResponse,
  WidgetGuestRequest,
} from '@parley/protocol';
import { CredentialsPolicies, RateLimit, ZodBody, ZodParam, ZodResponse } from '@parley/service-kit';
import type { Response } from 'express';
import { ForbiddenError } from '../errors/domain-errors.js';
import { CurrentClient } from '../server-api/current-client.js';
import { GuestsService } from './guests.service.js';

/** Sites whose visitors may chat as guests, registered by a client holding `admin`. */
@Controller('v1/admin/sites')
@RequireScopes(Scopes.admin)
export class SitesController {
  constructor(@Inject(GuestsService) private readonly guests: GuestsService) {}

  @Post()
  @ZodResponse(201, SiteResponse, 'the site and its public site key')
  async create(@CurrentClient() _admin: string, @ZodBody(CreateSiteRequest) body: CreateSiteRequest) {
    return { site: await this.guests.createSite(body) };
  }

  @Get()
  @ZodResponse(200, SiteList)
  async list(@CurrentClient() _admin: string) {
    return { sites: await this.guests.listSites() };
  }
}

@Controller('v1/guests')
export class GuestsController {
  constructor(@Inject(GuestsService) private readonly guests: GuestsService) {}

  /** The widget: public, but only from one of the site's allowed origins; limited per client address. */
  @Public()
  @Post('widget')
  @HttpCode(200)
  @RateLimit(CredentialsPolicies[1])
  @ZodResponse(
    200,
    GuestSession,
    'the guest, a short-lived token, and the guest secret when the guest is new',
  )
  async widget(
    @ZodBody(WidgetGuestRequest) body: WidgetGuestRequest,
    @Headers('origin') origin: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    return this.guests.widgetGuest(body, origin);
  }

  /** A site's backend makes a guest for one of its visitors. */
  @Post()
  @RequireScopes(Scopes.guestsCreate)
  @ZodResponse(201, GuestSession, 'the guest, a short-lived token and its secret')
  async create(@CurrentClient() clientId: string, @ZodBody(CreateGuestRequest) body: CreateGuestRequest) {
    return this.guests.backendGuest(clientId, body.displayName);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @ZodResponse(200, MergeGuestResponse, 'the conversations moved to the user; the guest gets no more tokens')
  async merge(
    @CurrentPrincipal() principal: Principal | undefined,
    @ZodParam(GuestParams) params: GuestParams,
    @ZodBody(MergeGuestRequest) body: MergeGuestRequest,
  ) {
    // Either scope will do, so this is checked here rather than with @RequireScopes (which needs all).
    if (
      principal?.kind !== 'client' ||
      !(principal.scopes.includes(Scopes.guestsCreate) || principal.scopes.includes(Scopes.admin))
    )
      throw new ForbiddenError('merging a guest needs a machine client with guests.create or admin');
    return this.guests.merge(principal.subject, params.id, body.userId);
  }
}
