import sharp from 'sharp';

/** A real PNG of the given size (a coloured rectangle), made with sharp. */
export function pngImage(width: number, height: number, colour = '#3a7bd5'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** A minimal WAV file: recognisable by its bytes, and not on the default allow list. */
export function wavSound(): Buffer {
  const data = Buffer.alloc(64);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export interface UploadResult {
  status: number;
  body: any;
}

/** POSTs one file as multipart/form-data, the way browsers and the SDK do. */
export async function uploadFile(
  baseUrl: string,
  token: string,
  conversationId: string,
  file: { name: string; type: string; bytes: Uint8Array },
  field = 'file',
): Promise<UploadResult> {
  const form = new FormData();
  form.append(field, new Blob([file.bytes], { type: file.type }), file.name);
  const res = await fetch(`${baseUrl}/v1/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}
