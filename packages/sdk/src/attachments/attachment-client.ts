import { Attachment, AttachmentUploadField, AttachmentUrlResponse, type MessagePart } from '@parley/protocol';
import { checkBody, errorFromBody, type ApiClient, type FetchLike } from '../http/api-client.js';
import { ParleyApiError } from '../http/api-error.js';
import { toNamedBlob, type AttachmentInput, type UploadProgress } from './attachment-input.js';

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting cancels the upload; the promise then rejects with an `AbortError` DOMException. */
  signal?: AbortSignal;
}

/** Signed URLs of an attachment, absolute, valid until `expiresAt`. */
export interface AttachmentUrls {
  attachment: Attachment;
  url: string;
  thumbnailUrl: string | null;
  expiresAt: Date;
}

/** A URL this close to its expiry is not handed out again: a fresh one is asked for instead. */
const URL_RENEW_MARGIN_MS = 30_000;

interface RawAnswer {
  status: number;
  statusText: string;
  text: string;
}

function abortError(): DOMException {
  return new DOMException('the upload was cancelled', 'AbortError');
}

/**
 * Uploads files and hands out signed download URLs (cached until shortly before they expire). Browsers
 * upload with XMLHttpRequest, the only browser API that reports upload progress; elsewhere fetch streams
 * the body and reports progress as it is read.
 * @internal
 */
export class AttachmentClient {
  private readonly urls = new Map<string, Promise<AttachmentUrls>>();

  constructor(
    private readonly api: ApiClient,
    private readonly fetchImpl: FetchLike | undefined,
  ) {}

  async upload(
    conversationId: string,
    input: AttachmentInput,
    options: UploadOptions = {},
  ): Promise<Attachment> {
    const { blob, name } = toNamedBlob(input);
    const path = `/v1/conversations/${conversationId}/attachments`;
    const send = () => {
      const form = new FormData();
      form.append(AttachmentUploadField, blob, name);
      return this.post(`${this.api.baseUrl}${path}`, form, options);
    };
    let answer = await send();
    if (answer.status === 401 && this.api.canRenew) {
      await this.api.refreshSession();
      answer = await send();
    }
    if (answer.status < 200 || answer.status >= 300)
      throw errorFromBody(answer.status, answer.statusText, answer.text);
    return checkBody(answer.text, Attachment, `POST ${path}`);
  }

  /** Fresh signed URLs for an attachment part (the same ones until shortly before they expire). */
  urlsFor(conversationId: string, attachmentId: string): Promise<AttachmentUrls> {
    const cached = this.urls.get(attachmentId);
    if (cached) {
      return cached.then((urls) =>
        urls.expiresAt.getTime() - Date.now() > URL_RENEW_MARGIN_MS
          ? urls
          : this.fetchUrls(conversationId, attachmentId),
      );
    }
    return this.fetchUrls(conversationId, attachmentId);
  }

  /** The URL of an attachment part: its thumbnail when asked for and there is one, else the file. */
  async urlOf(
    conversationId: string,
    part: MessagePart,
    variant: 'original' | 'thumbnail' = 'original',
  ): Promise<string> {
    if (!part.attachmentId) {
      if (part.url) return part.url;
      throw new ParleyApiError(400, 'the part has no attachment', 'not_an_attachment');
    }
    const urls = await this.urlsFor(conversationId, part.attachmentId);
    return variant === 'thumbnail' && urls.thumbnailUrl ? urls.thumbnailUrl : urls.url;
  }

  private fetchUrls(conversationId: string, attachmentId: string): Promise<AttachmentUrls> {
    const pending = this.api
      .get(`/v1/conversations/${conversationId}/attachments/${attachmentId}/url`, AttachmentUrlResponse)
      .then((res) => ({
        attachment: res.attachment,
        url: new URL(res.url, `${this.api.baseUrl}/`).toString(),
        thumbnailUrl: res.thumbnailUrl ? new URL(res.thumbnailUrl, `${this.api.baseUrl}/`).toString() : null,
        expiresAt: new Date(res.expiresAt),
      }));
    this.urls.set(attachmentId, pending);
    pending.catch(() => {
      if (this.urls.get(attachmentId) === pending) this.urls.delete(attachmentId);
    });
    return pending;
  }

  private post(url: string, form: FormData, options: UploadOptions): Promise<RawAnswer> {
    if (options.signal?.aborted) return Promise.reject(abortError());
    return typeof XMLHttpRequest === 'function' && !this.fetchImpl
      ? this.postWithXhr(url, form, options)
      : this.postWithFetch(url, form, options);
  }

  private postWithXhr(
    url: string,
    form: FormData,
    { onProgress, signal }: UploadOptions,
  ): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.setRequestHeader('authorization', `Bearer ${this.api.accessToken}`);
      xhr.setRequestHeader('accept', 'application/json');
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress?.({ loaded: e.loaded, total: e.total });
      };
      const onAbort = () => xhr.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      xhr.onload = () => {
        done();
        resolve({ status: xhr.status, statusText: xhr.statusText, text: xhr.responseText });
      };
      xhr.onerror = () => {
        done();
        reject(new ParleyApiError(0, 'network error: the upload failed', 'network_error'));
      };
      xhr.onabort = () => {
        done();
        reject(abortError());
      };
      xhr.send(form);
    });
  }

  private async postWithFetch(
    url: string,
    form: FormData,
    { onProgress, signal }: UploadOptions,
  ): Promise<RawAnswer> {
    // The multipart encoding of the form, streamed in slices so progress follows what was read.
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type')!;
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const total = bytes.byteLength;
    const slice = 64 * 1024;
    let offset = 0;
    onProgress?.({ loaded: 0, total });
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= total) {
          controller.close();
          return;
        }
        const end = Math.min(offset + slice, total);
        controller.enqueue(bytes.subarray(offset, end));
        offset = end;
        onProgress?.({ loaded: offset, total });
      },
    });
    const fetchImpl = this.fetchImpl ?? globalThis.fetch.bind(globalThis);
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.api.accessToken}`,
          accept: 'application/json',
          'content-type': contentType,
        },
        body,
        signal,
        duplex: 'half',
      } as RequestInit);
      return { status: res.status, statusText: res.statusText, text: await res.text() };
    } catch (err) {
      if (signal?.aborted) throw abortError();
      throw new ParleyApiError(0, `network error: ${(err as Error).message}`, 'network_error');
    }
  }
}
