import {
  AddParticipantsRequest,
  Conversation,
  Message,
  RetransmitResponse,
  ServerCreateConversationRequest,
  type ServerCreateConversationInput,
  ServerPostMessageRequest,
  UpdateConversationRequest,
} from '@parley/protocol';
import { requestAsClient, type AuthorizedJsonOptions } from './authorized-json.js';

const base = (conversationId: string) => `/v1/server/conversations/${encodeURIComponent(conversationId)}`;

/**
 * Messaging's server API for a customer's backend, called as its machine client (scopes `server.conversations`,
 * `server.messages`, `server.events.read`). Requests are checked with their `@parley/protocol` schema before
 * they leave, answers parsed with theirs; refusals throw ParleyRequestError (status, code, message).
 */
export class ServerApiClient {
  constructor(private readonly options: AuthorizedJsonOptions) {}

  /** On behalf of users: the first participant is the creator. A distinct one found again is returned as is. */
  createConversation(request: ServerCreateConversationInput): Promise<Conversation> {
    const body = ServerCreateConversationRequest.parse(request);
    return requestAsClient(this.options, 'POST', '/v1/server/conversations', Conversation, body);
  }

  addParticipants(conversationId: string, request: AddParticipantsRequest): Promise<Conversation> {
    const body = AddParticipantsRequest.parse(request);
    return requestAsClient(this.options, 'POST', `${base(conversationId)}/participants`, Conversation, body);
  }

  removeParticipant(conversationId: string, userId: string): Promise<void> {
    const path = `${base(conversationId)}/participants/${encodeURIComponent(userId)}`;
    return requestAsClient(this.options, 'DELETE', path, undefined);
  }

  updateConversation(conversationId: string, request: UpdateConversationRequest): Promise<Conversation> {
    const body = UpdateConversationRequest.parse(request);
    return requestAsClient(this.options, 'PATCH', base(conversationId), Conversation, body);
  }

  /** Posted as the named bot; a retry with the same clientMessageId returns the first message. */
  postMessage(conversationId: string, request: ServerPostMessageRequest): Promise<Message> {
    const body = ServerPostMessageRequest.parse(request);
    return requestAsClient(this.options, 'POST', `${base(conversationId)}/messages`, Message, body);
  }

  /** A page of the conversation's event log from `fromSeq` (to `toSeq`); follow `nextFromSeq` for more. */
  events(conversationId: string, fromSeq: number, toSeq?: number): Promise<RetransmitResponse> {
    const query = new URLSearchParams({ fromSeq: String(fromSeq) });
    if (toSeq !== undefined) query.set('toSeq', String(toSeq));
    return requestAsClient(this.options, 'GET', `${base(conversationId)}/events?${query}`, RetransmitResponse);
  }
}
