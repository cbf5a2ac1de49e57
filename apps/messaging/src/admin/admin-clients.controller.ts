import { Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import {
  ClientList,
  ClientParams,
  ClientWithSecret,
  CreateClientRequest,
  MachineClient,
} from '@parley/protocol';
import { ZodBody, ZodParam, ZodResponse } from '@parley/service-kit';
import { MachineClientsService } from '../identity/machine-clients.service.js';
import { CurrentClient } from '../server-api/current-client.js';

/** Machine clients, managed by a client holding `admin` (see the README: how a deployment gets one). */
@Controller('v1/admin/clients')
@RequireScopes(Scopes.admin)
export class AdminClientsController {
  constructor(@Inject(MachineClientsService) private readonly clients: MachineClientsService) {}

  @Post()
  @ZodResponse(201, ClientWithSecret, 'the new client and its secret, shown this once')
  async create(@CurrentClient() _admin: string, @ZodBody(CreateClientRequest) body: CreateClientRequest) {
    return this.clients.create(body);
  }

  @Get()
  @ZodResponse(200, ClientList, 'the clients not revoked')
  async list(@CurrentClient() _admin: string) {
    return { clients: await this.clients.list() };
  }

  @Get(':id')
  @ZodResponse(200, MachineClient)
  async get(@CurrentClient() _admin: string, @ZodParam(ClientParams) params: ClientParams) {
    return this.clients.get(params.id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ZodResponse(200, ClientWithSecret, 'the new secret; the old one works until the rotation overlap ends')
  async rotateSecret(@CurrentClient() _admin: string, @ZodParam(ClientParams) params: ClientParams) {
    return this.clients.rotateSecret(params.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ZodResponse(204, undefined, 'revoked: its token requests fail from now on')
  async revoke(@CurrentClient() _admin: string, @ZodParam(ClientParams) params: ClientParams) {
    await this.clients.revoke(params.id);
  }
}
