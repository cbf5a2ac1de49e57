import { hkdfSync, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { TokenIssuer } from '@parley/auth';
import type { Database, SqlExecutor } from '@parley/db';
import type { Logger } from '@parley/logger';
import type {
  Attachment,
  AttachmentContentQuery,
  AttachmentUrlResponse,
  AttachmentVariant,
  MessagePart,
  MessagePartInput,
} from '@parley/protocol';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@parley/service-kit';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { DATABASE, LOGGER, TOKEN_ISSUER } from '../infrastructure/tokens.js';
import { referencedAttachmentIds, resolveAttachmentParts } from './attachment-parts.js';
import { AttachmentsRepository, toAttachment, type AttachmentRow } from './attachments.repository.js';
import { cleanFileName, decideContentType, sniffContentType, THUMBNAIL_TYPES } from './content-type.js';
import { previewImage } from './image-preview.js';
import type { ReceivedFile } from './multipart-upload.js';
import { checkAttachmentSignature, signAttachmentPath } from './signed-url.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './storage/attachment-storage.js';

export interface AttachmentContent {
  stream: Readable;
  mimeType: string;
  name: string;
  size: number | undefined;
  /** Seconds the answer may be cached: until its URL expires. */
  maxAgeSeconds: number;
}

const storageKey = (id: string, variant: AttachmentVariant) => `${id}/${variant}`;

/** An upload not sent in a message within this time is removed (a cancelled send, a closed tab). */
export const UNSENT_UPLOAD_LIFETIME_HOURS = 24;
const UNSENT_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Attachments: uploads checked by their bytes, stored through the storage interface, handed out by signed
 * URLs to those who may read the conversation, bound to the message that sends them and removed with it.
 */
@Injectable()
export class AttachmentsService implements OnModuleInit, OnModuleDestroy {
  private urlKey: Uint8Array = new Uint8Array();
  private sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    @Inject(AttachmentsRepository) private readonly repo: AttachmentsRepository,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    @Inject(TOKEN_ISSUER) private readonly issuer: TokenIssuer,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    // Every node that shares the token signing key signs and checks URLs alike, with no second secret.
    const secret = this.config.attachments.urlSecret ?? JSON.stringify(await this.issuer.exportPrivateJwk());
    this.urlKey = new Uint8Array(hkdfSync('sha256', secret, 'parley', 'attachment download urls', 32));
    this.purgeRemovedFiles();
    const sweep = () =>
      void this.removeUnsentUploads().catch((err: unknown) =>
        this.logger.warn({ err }, 'removing unsent attachments failed'),
      );
    this.sweepTimer = setInterval(sweep, UNSENT_SWEEP_INTERVAL_MS).unref();
    sweep();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /** Removes uploads never sent within UNSENT_UPLOAD_LIFETIME_HOURS and deletes their bytes. */
  async removeUnsentUploads(): Promise<number> {
    const removed = await this.repo.removeUnsentOlderThan(UNSENT_UPLOAD_LIFETIME_HOURS);
    if (removed > 0) await this.purgeBatch();
    return removed;
  }

  /** Uploads go to conversations the user may write in; the body is read only after that check. */
  async upload(
    userId: string,
    conversationId: string,
    receive: () => Promise<ReceivedFile>,
  ): Promise<Attachment> {
    await this.db.transaction((tx) =>
      this.conversations.requireParticipant(tx, conversationId, userId, 'write'),
    );
    const file = await receive();
    if (file.bytes.length === 0)
      throw new ValidationError('the file is empty', [{ path: 'body.file', message: 'empty' }]);
    const decision = decideContentType(
      await sniffContentType(file.bytes),
      file.declaredType,
      this.config.attachments.allowedTypes,
    );
    if (!decision.ok) throw new UnsupportedMediaTypeError(decision.message);
    const preview = THUMBNAIL_TYPES.has(decision.mimeType) ? await previewImage(file.bytes) : undefined;
    if (THUMBNAIL_TYPES.has(decision.mimeType) && !preview)
      throw new UnsupportedMediaTypeError(`the file is not a readable ${decision.mimeType} image`);

    const id = randomUUID();
    await this.storage.write(storageKey(id, 'original'), file.bytes, decision.mimeType);
    if (preview) await this.storage.write(storageKey(id, 'thumbnail'), preview.thumbnail, 'image/webp');
    const row = await this.repo.insert({
      id,
      conversationId,
      uploaderId: userId,
      name: cleanFileName(file.name),
      mimeType: decision.mimeType,
      size: file.bytes.length,
      width: preview?.dimensions.width ?? null,
      height: preview?.dimensions.height ?? null,
      hasThumbnail: preview !== undefined,
    });
    this.logger.info(
      { attachmentId: id, conversationId, mimeType: row.mime_type, size: row.size },
      'attachment stored',
    );
    return toAttachment(row);
  }

  /**
   * Fresh signed URLs for whoever may read the conversation (anyone may read a public channel). A file not
   * yet sent in a message is visible to its uploader only; everyone else gets the same 404 as for a
   * conversation they are not in.
   */
  async signedUrls(
    userId: string,
    conversationId: string,
    attachmentId: string,
  ): Promise<AttachmentUrlResponse> {
    await this.conversations.getForReader(userId, conversationId);
    const row = await this.repo.findById(attachmentId);
    if (
      !row ||
      row.conversation_id !== conversationId ||
      row.removed_at ||
      (row.message_id === null && row.uploader_id !== userId)
    )
      throw new NotFoundError('attachment not found');
    const expires = Math.floor(Date.now() / 1000) + this.config.attachments.urlTtlSeconds;
    const sign = (variant: AttachmentVariant) =>
      signAttachmentPath(this.urlKey, { attachmentId, variant, expires });
    return {
      attachment: toAttachment(row),
      url: sign('original'),
      thumbnailUrl: row.has_thumbnail ? sign('thumbnail') : null,
      expiresAt: new Date(expires * 1000).toISOString(),
    };
  }

  /** The bytes behind a signed URL: 403 for a wrong or expired signature, 404 once the file is gone. */
  async content(attachmentId: string, query: AttachmentContentQuery): Promise<AttachmentContent> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const target = { attachmentId, variant: query.variant, expires: query.expires };
    const check = checkAttachmentSignature(this.urlKey, target, query.sig, nowSeconds);
    if (check === 'invalid') throw new ForbiddenError('the download link is not valid');
    if (check === 'expired') throw new ForbiddenError('the download link has expired; ask for a new one');
    const row = await this.repo.findById(attachmentId);
    if (!row || row.removed_at || (query.variant === 'thumbnail' && !row.has_thumbnail))
      throw new NotFoundError('attachment not found');
    const stream = await this.storage.read(storageKey(attachmentId, query.variant));
    if (!stream) throw new NotFoundError('attachment not found');
    return {
      stream,
      mimeType: query.variant === 'thumbnail' ? 'image/webp' : row.mime_type,
      name: row.name,
      size: query.variant === 'original' ? row.size : undefined,
      maxAgeSeconds: Math.max(0, query.expires - nowSeconds),
    };
  }

  /**
   * Inside the transaction that stores a message: checks its attachment parts, binds the attachments to
   * the message and returns the parts as stored.
   */
  async bindToMessage(
    tx: SqlExecutor,
    ctx: { conversationId: string; senderId: string; messageId: string },
    parts: MessagePartInput[],
  ): Promise<MessagePart[]> {
    const { parts: stored } = await this.bind(tx, ctx, parts);
    return stored;
  }

  /** The same for an edit: attachments the new parts no longer reference are removed with it. */
  async rebindToMessage(
    tx: SqlExecutor,
    ctx: { conversationId: string; senderId: string; messageId: string },
    parts: MessagePartInput[],
  ): Promise<MessagePart[]> {
    const { parts: stored, attachmentIds } = await this.bind(tx, ctx, parts);
    const dropped = await this.repo.removeForMessage(tx, ctx.messageId, attachmentIds);
    if (dropped > 0) this.schedulePurge();
    return stored;
  }

  private async bind(
    tx: SqlExecutor,
    ctx: { conversationId: string; senderId: string; messageId: string },
    parts: MessagePartInput[],
  ): Promise<{ parts: MessagePart[]; attachmentIds: string[] }> {
    const ids = referencedAttachmentIds(parts);
    if (ids.length === 0) return { parts, attachmentIds: [] };
    const rows: AttachmentRow[] = await this.repo.lockByIds(tx, ids);
    const result = resolveAttachmentParts(parts, rows, ctx);
    if (!result.ok) {
      const issues = [{ path: result.path, message: result.message }];
      if (result.kind === 'not_found') throw new NotFoundError(`${result.path}: ${result.message}`);
      if (result.kind === 'conflict') throw new ConflictError(`${result.path}: ${result.message}`);
      throw new ValidationError(`${result.path}: ${result.message}`, issues);
    }
    await this.repo.bindToMessage(tx, result.attachmentIds, ctx.messageId);
    return { parts: result.parts, attachmentIds: result.attachmentIds };
  }

  /** Inside the transaction that removes a message: its files become unreachable at once. */
  async removeForMessage(tx: SqlExecutor, messageId: string): Promise<void> {
    const removed = await this.repo.removeForMessage(tx, messageId);
    if (removed > 0) this.schedulePurge();
  }

  /** Deletes the bytes of removed attachments (after their removal committed); retried at every start. */
  purgeRemovedFiles(): void {
    void this.purgeBatch().catch((err: unknown) =>
      this.logger.warn({ err }, 'purging removed attachments failed'),
    );
  }

  private schedulePurge(): void {
    // After the caller's transaction commits: a rolled-back removal must not lose the bytes.
    setTimeout(() => this.purgeRemovedFiles(), 250).unref();
  }

  private async purgeBatch(): Promise<void> {
    for (;;) {
      const rows = await this.repo.listToPurge(100);
      for (const row of rows) {
        await this.storage.delete(storageKey(row.id, 'original'));
        if (row.has_thumbnail) await this.storage.delete(storageKey(row.id, 'thumbnail'));
        await this.repo.markPurged(row.id);
      }
      if (rows.length < 100) return;
    }
  }
}
