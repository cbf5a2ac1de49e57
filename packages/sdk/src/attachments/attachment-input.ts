/** What `sendAttachment` takes: a browser File or Blob, or plain data with a name and type (Node). */
export type AttachmentInput =
  | Blob
  | {
      name: string;
      /** The MIME type you believe it is; the server checks it against the bytes. */
      type?: string;
      data: Blob | ArrayBuffer | ArrayBufferView | string;
    };

export interface UploadProgress {
  /** Bytes of the request sent so far. */
  loaded: number;
  /** Bytes of the whole request (the file plus a little multipart framing). */
  total: number;
}

export interface NamedBlob {
  blob: Blob;
  name: string;
}

/** One shape for every input: a Blob with its type, and a file name. */
export function toNamedBlob(input: AttachmentInput): NamedBlob {
  if (input instanceof Blob) {
    const name = (input as Blob & { name?: unknown }).name;
    return { blob: input, name: typeof name === 'string' && name !== '' ? name : 'file' };
  }
  const type = input.type ?? (input.data instanceof Blob ? input.data.type : '') ?? '';
  const part: BlobPart =
    input.data instanceof Blob || typeof input.data === 'string'
      ? input.data
      : ArrayBuffer.isView(input.data)
        ? new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength).slice()
        : input.data;
  return { blob: new Blob([part], { type: type || 'application/octet-stream' }), name: input.name || 'file' };
}
