import type { Messenger } from '@parley/sdk';
import { ServiceApi, ServiceApiError } from '../app/service-api';
import {
  DeskConversation,
  DeskQueue,
  type DeskConversation as DeskItem,
  type DeskQueue as Queue,
} from '@parley/protocol';

/**
 * Messaging's support desk routes (`/v1/desk…`) with the user's token.
 */
export class DeskApi {
  private readonly api: ServiceApi;

  constructor(baseUrl: string, messenger: Messenger) {
    this.api = new ServiceApi(baseUrl, messenger, 'messaging service');
  }

  /** The queue, or null when this user is not an operator (403). */
  async queue(): Promise<Queue | null> {
    try {
      return await this.api.request('GET', '/v1/desk/queue', DeskQueue);
    } catch (err) {
      if (err instanceof ServiceApiError && err.status === 403) return null;
      throw err;
    }
  }

  accept(conversationId: string): Promise<DeskItem> {
    return this.api.request('POST', `/v1/desk/conversations/${conversationId}/accept`, DeskConversation);
  }

  /** Ends this operator's chat with the visitor (they leave it; the visitor's next message queues it again). */
  close(conversationId: string): Promise<DeskItem> {
    return this.api.request('POST', `/v1/desk/conversations/${conversationId}/close`, DeskConversation);
  }
}
