import type { Messenger } from '@parley/sdk';
import { ServiceApi } from '../app/service-api';
import {
  OperatorAvailability,
  SupportLine,
  VoiceCallPage,
  type OperatorAvailability as Availability,
  type SupportLine as Line,
  type VoiceCallPage as CallPage,
} from '@parley/protocol';

/**
 * The voice proxy's REST API (`/v1/support…`) with the user's messaging token.
 */
export class SupportApi {
  private readonly api: ServiceApi;

  constructor(baseUrl: string, messenger: Messenger) {
    this.api = new ServiceApi(baseUrl, messenger, 'support service');
  }

  line(): Promise<Line> {
    return this.api.request('GET', '/v1/support', SupportLine);
  }

  setAvailability(available: boolean): Promise<Availability> {
    return this.api.request('PUT', '/v1/support/availability', OperatorAvailability, { available });
  }

  calls(options: { limit?: number; cursor?: string } = {}): Promise<CallPage> {
    const query = new URLSearchParams({ limit: String(options.limit ?? 20) });
    if (options.cursor) query.set('cursor', options.cursor);
    return this.api.request('GET', `/v1/support/calls?${query.toString()}`, VoiceCallPage);
  }
}
