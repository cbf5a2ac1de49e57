import { Inject, Injectable } from '@nestjs/common';
import type {
  AddParticipantsRequest,
  Conversation,
  Message,
  RetransmitResponse,
  ServerCreateConversationRequest,
  ServerPostMessageRequest,
  UpdateConversationRequest,
} from '@parley/protocol';
import { ConversationsService } from '../conversations/conversations.service.js';
import { NotFoundError } from '../errors/domain-errors.js';
import { runAsActingClient } from '../event-log/acting-client.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { IdentityService } from '../identity/identity.service.js';
import { MachineClientsService } from '../identity/machine-clients.service.js';
import { MessagesService } from '../messages/messages.service.js';

/**
 * What customers' backends do through the server API, each as an event in the log naming the client
 * (`actingClientId`). The actor of an event is the user the client speaks for: the creator it names, the
 * bot it posts as, or otherwise the client's own user (a bot named after the client).
 */
@Injectable()
export class ServerApiService {
  constructor(
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(EventLogService) private readonly eventLog: EventLogService,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(MachineClientsService) private readonly clients: MachineClientsService,
  ) {}

  /** The first participant is the creator (owner of a group or channel); the others join as members. */
  async createConversation(
    clientId: string,
    req: ServerCreateConversationRequest,
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const participants = [...new Set(req.participants)];
    await this.requireUsers(participants);
    const [creatorId, ...others] = participants as [string, ...string[]];
    return runAsActingClient(clientId, () =>
      this.conversations.create(creatorId, {
        type: req.type,
        participants: others,
        ...(req.title !== undefined ? { title: req.title } : {}),
        ...(req.customData !== undefined ? { customData: req.customData } : {}),
        ...(req.distinct !== undefined ? { distinct: req.distinct } : {}),
        ...(req.joinPermissions !== undefined ? { joinPermissions: req.joinPermissions } : {}),
      }),
    );
  }

  async addParticipants(
    clientId: string,
    conversationId: string,
    req: AddParticipantsRequest,
  ): Promise<Conversation> {
    await this.conversations.getForClient(conversationId);
    await this.requireUsers(req.participants.map((p) => p.userId));
    const actorId = await this.clients.clientUserId(clientId);
    return runAsActingClient(clientId, () =>
      this.conversations.addParticipantsForClient(actorId, conversationId, req),
    );
  }

  async removeParticipant(clientId: string, conversationId: string, userId: string): Promise<void> {
    const actorId = await this.clients.clientUserId(clientId);
    await runAsActingClient(clientId, () =>
      this.conversations.removeParticipantForClient(actorId, conversationId, userId),
    );
  }

  async updateConversation(
    clientId: string,
    conversationId: string,
    req: UpdateConversationRequest,
  ): Promise<Conversation> {
    const actorId = await this.clients.clientUserId(clientId);
    return runAsActingClient(clientId, () =>
      this.conversations.updateForClient(actorId, conversationId, req),
    );
  }

  /** Posted as the named bot, which joins the conversation first if it is not in it yet. */
  async postMessage(
    clientId: string,
    conversationId: string,
    req: ServerPostMessageRequest,
  ): Promise<{ message: Message; created: boolean }> {
    await this.conversations.getForClient(conversationId);
    const { bot, ...send } = req;
    const botUserId = await this.clients.botUserId(clientId, bot);
    return runAsActingClient(clientId, async () => {
      await this.conversations.admitBot(botUserId, conversationId);
      return this.messages.send(botUserId, conversationId, send);
    });
  }

  async events(conversationId: string, fromSeq: number, toSeq?: number): Promise<RetransmitResponse> {
    const conversation = await this.conversations.getForClient(conversationId);
    return this.eventLog.retransmit(conversationId, conversation.lastSeq, fromSeq, toSeq);
  }

  private async requireUsers(ids: string[]): Promise<void> {
    for (const id of ids)
      if (!(await this.identity.userExists(id))) throw new NotFoundError(`user ${id} not found`);
  }
}
