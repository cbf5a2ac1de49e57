import busboy from 'busboy';
import type { Request } from 'express';
import { AttachmentUploadField } from '@parley/protocol';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '@parley/service-kit';

export interface ReceivedFile {
  name: string | undefined;
  /** What the client said the file is; only compared with what the bytes are. */
  declaredType: string | undefined;
  bytes: Buffer;
}

/** Room for the multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export function overLimitMessage(maxBytes: number): string {
  return `the file is over the limit of ${maxBytes} bytes`;
}

/**
 * Reads one file from a multipart/form-data request (field `file`), keeping at most `maxBytes`. A bigger
 * file is a 413 naming the limit; a declared Content-Length over it is refused before reading. After a
 * refusal the rest of the body is read and dropped, so the client still receives the answer.
 */
export function receiveSingleFile(req: Request, maxBytes: number): Promise<ReceivedFile> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    req.resume();
    return Promise.reject(
      new UnsupportedMediaTypeError(
        `send the file as multipart/form-data in a field named ${AttachmentUploadField}`,
      ),
    );
  }
  const declaredLength = Number(req.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes + MULTIPART_OVERHEAD_BYTES) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(overLimitMessage(maxBytes)));
  }

  return new Promise<ReceivedFile>((resolve, reject) => {
    let settled = false;
    let file: ReceivedFile | undefined;
    let fileDone: Promise<void> | undefined;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // busboy reports reaching its limit, not passing it: one byte more tells a full file from an oversize one.
        limits: { files: 1, fileSize: maxBytes + 1, fields: 8, fieldSize: 1024, parts: 10 },
      });
    } catch (err) {
      req.resume();
      reject(new ValidationError(`not a readable multipart body: ${(err as Error).message}`));
      return;
    }

    parser.on('file', (field, stream, info) => {
      if (field !== AttachmentUploadField) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      fileDone = new Promise<void>((done) => {
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () => fail(new PayloadTooLargeError(overLimitMessage(maxBytes))));
        stream.on('end', () => done());
      });
      file = { name: info.filename, declaredType: info.mimeType, bytes: Buffer.alloc(0) };
      void fileDone.then(() => {
        if (file) file.bytes = Buffer.concat(chunks);
      });
    });
    parser.on('filesLimit', () => fail(new ValidationError('send one file per upload')));
    parser.on('partsLimit', () => fail(new ValidationError('too many parts in the multipart body')));
    parser.on('error', (err: Error) =>
      fail(new ValidationError(`not a readable multipart body: ${err.message}`)),
    );
    parser.on('close', () => {
      void (fileDone ?? Promise.resolve()).then(() => {
        if (settled) return;
        settled = true;
        if (!file)
          reject(
            new ValidationError(`no file in the field ${AttachmentUploadField}`, [
              { path: `body.${AttachmentUploadField}`, message: 'required' },
            ]),
          );
        else resolve(file);
      });
    });
    req.on('aborted', () => fail(new ValidationError('the upload was cancelled')));
    req.pipe(parser);
  });
}
