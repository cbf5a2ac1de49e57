import { Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import {
  CreateWebhookEndpointRequest,
  CreatedWebhookEndpoint,
  RotatedWebhookSecret,
  UpdateWebhookEndpointRequest,
  WebhookDeliveryList,
  WebhookDeliveryListQuery,
  WebhookDeliveryParams,
  WebhookEndpoint,
  WebhookEndpointList,
  WebhookEndpointParams,
} from '@parley/protocol';
import { ZodBody, ZodParam, ZodQuery, ZodResponse } from '@parley/service-kit';
import { OutgoingWebhooksService } from './outgoing-webhooks.service.js';
import { WebhookClient } from './webhook-client.js';

/** A machine client's webhook endpoints and their delivery log (scope `webhooks.manage`). */
@Controller('v1/webhooks/endpoints')
@RequireScopes(Scopes.webhooksManage)
export class OutgoingWebhooksController {
  constructor(@Inject(OutgoingWebhooksService) private readonly webhooks: OutgoingWebhooksService) {}

  @Post()
  @HttpCode(201)
  @ZodResponse(201, CreatedWebhookEndpoint, 'the endpoint and its signing secret (shown only here)')
  create(
    @WebhookClient() clientId: string,
    @ZodBody(CreateWebhookEndpointRequest) body: CreateWebhookEndpointRequest,
  ): Promise<CreatedWebhookEndpoint> {
    return this.webhooks.createEndpoint(clientId, body);
  }

  @Get()
  @ZodResponse(200, WebhookEndpointList)
  async list(@WebhookClient() clientId: string): Promise<WebhookEndpointList> {
    return { endpoints: await this.webhooks.listEndpoints(clientId) };
  }

  @Get(':id')
  @ZodResponse(200, WebhookEndpoint)
  @ZodResponse(404, undefined, 'no endpoint of the caller with this id')
  get(
    @WebhookClient() clientId: string,
    @ZodParam(WebhookEndpointParams) params: WebhookEndpointParams,
  ): Promise<WebhookEndpoint> {
    return this.webhooks.getEndpoint(clientId, params.id);
  }

  @Patch(':id')
  @ZodResponse(200, WebhookEndpoint, '`disabled: false` re-enables an endpoint')
  @ZodResponse(404, undefined, 'no endpoint of the caller with this id')
  update(
    @WebhookClient() clientId: string,
    @ZodParam(WebhookEndpointParams) params: WebhookEndpointParams,
    @ZodBody(UpdateWebhookEndpointRequest) body: UpdateWebhookEndpointRequest,
  ): Promise<WebhookEndpoint> {
    return this.webhooks.updateEndpoint(clientId, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ZodResponse(204, undefined, 'deleted with its delivery log')
  async remove(
    @WebhookClient() clientId: string,
    @ZodParam(WebhookEndpointParams) params: WebhookEndpointParams,
  ): Promise<void> {
    await this.webhooks.deleteEndpoint(clientId, params.id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ZodResponse(200, RotatedWebhookSecret, 'the new secret; the previous one also signs until the time given')
  rotate(
    @WebhookClient() clientId: string,
    @ZodParam(WebhookEndpointParams) params: WebhookEndpointParams,
  ): Promise<RotatedWebhookSecret> {
    return this.webhooks.rotateSecret(clientId, params.id);
  }

  @Get(':id/deliveries')
  @ZodResponse(200, WebhookDeliveryList, 'newest first')
  deliveries(
    @WebhookClient() clientId: string,
    @ZodParam(WebhookEndpointParams) params: WebhookEndpointParams,
    @ZodQuery(WebhookDeliveryListQuery) query: WebhookDeliveryListQuery,
  ): Promise<WebhookDeliveryList> {
    return this.webhooks.deliveries(clientId, params.id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ZodResponse(202, undefined, 'queued again, same webhook-id')
  @ZodResponse(409, undefined, 'still pending, or the endpoint is disabled')
  async redeliver(
    @WebhookClient() clientId: string,
    @ZodParam(WebhookDeliveryParams) params: WebhookDeliveryParams,
  ): Promise<void> {
    await this.webhooks.redeliver(clientId, params.id, params.deliveryId);
  }
}
