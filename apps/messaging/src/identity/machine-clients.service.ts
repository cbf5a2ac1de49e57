import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { generateOpaqueToken, hashSecret, isKnownScope } from '@parley/auth';
import type { ClientWithSecret, CreateClientRequest, MachineClient } from '@parley/protocol';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { ClientBotsRepository, OAuthClientsRepository, type ClientRow } from './users.repository.js';

function toMachineClient(row: ClientRow): MachineClient {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    createdAt: row.created_at.toISOString(),
    secretRotatedAt: row.secret_rotated_at?.toISOString() ?? null,
  };
}

/** An id that reads as its client in logs and events: the name's letters and a random tail. */
function newClientId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'client'}-${randomBytes(4).toString('hex')}`;
}

/** A bot as the client names it, shown to users under `displayName`. */
export interface BotIdentity {
  id: string;
  name: string;
  avatarUrl?: string | undefined;
}

/**
 * Machine clients managed by admins (the admin REST API): created with known scopes, their secret shown
 * once and stored hashed, rotated with an overlap, revoked. Also the users a client acts as (its bots).
 */
@Injectable()
export class MachineClientsService {
  constructor(
    @Inject(OAuthClientsRepository) private readonly clients: OAuthClientsRepository,
    @Inject(ClientBotsRepository) private readonly bots: ClientBotsRepository,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async create(req: CreateClientRequest): Promise<ClientWithSecret> {
    const unknown = req.scopes.filter((scope) => !isKnownScope(scope));
    if (unknown.length > 0) {
      const issues = req.scopes
        .map((scope, i) => ({ scope, i }))
        .filter(({ scope }) => !isKnownScope(scope))
        .map(({ scope, i }) => ({ path: `body.scopes.${i}`, message: `unknown scope ${scope}` }));
      throw new ValidationError(`unknown scopes: ${unknown.join(', ')}`, issues);
    }
    const clientSecret = generateOpaqueToken(32);
    const row = await this.clients.insert({
      id: newClientId(req.name),
      name: req.name,
      secretHash: await hashSecret(clientSecret),
      scopes: [...new Set(req.scopes)],
    });
    return { client: toMachineClient(row), clientSecret };
  }

  async list(): Promise<MachineClient[]> {
    return (await this.clients.listActive()).map(toMachineClient);
  }

  /** A client not revoked; a revoked one is 404 like an unknown one. */
  async get(id: string): Promise<MachineClient> {
    const row = await this.clients.findById(id);
    if (!row || row.revoked_at) throw new NotFoundError('client not found');
    return toMachineClient(row);
  }

  async rotateSecret(id: string): Promise<ClientWithSecret> {
    const clientSecret = generateOpaqueToken(32);
    const overlapUntil = new Date(
      Date.now() + this.config.identity.clientSecretRotationOverlapSeconds * 1000,
    );
    const row = await this.clients.rotateSecret(id, await hashSecret(clientSecret), overlapUntil);
    if (!row) throw new NotFoundError('client not found');
    return { client: toMachineClient(row), clientSecret };
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.clients.revoke(id))) throw new NotFoundError('client not found');
  }

  /**
   * The user a client's bot posts as, created the first time the client names it; its shown name and
   * picture follow what the client last said.
   */
  async botUserId(clientId: string, bot: BotIdentity): Promise<string> {
    const displayName = bot.name;
    const avatarUrl = bot.avatarUrl ?? null;
    const existing = await this.bots.findUserId(clientId, bot.id);
    if (existing) {
      await this.bots.updateProfile(existing, displayName, avatarUrl);
      return existing;
    }
    return this.bots.create(clientId, bot.id, {
      id: randomUUID(),
      username: `bot.${randomBytes(8).toString('hex')}`,
      displayName,
      avatarUrl,
    });
  }

  /** The client itself as a user (a bot named after it): the actor of what it does as no named bot. */
  async clientUserId(clientId: string): Promise<string> {
    const existing = await this.bots.findUserId(clientId, '');
    if (existing) return existing;
    const row = await this.clients.findById(clientId);
    if (!row) throw new NotFoundError('client not found');
    return this.bots.create(clientId, '', {
      id: randomUUID(),
      username: `bot.${randomBytes(8).toString('hex')}`,
      displayName: row.name,
      avatarUrl: null,
    });
  }
}
