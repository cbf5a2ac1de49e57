import { isUtf8 } from 'node:buffer';
import { fileTypeFromBuffer } from 'file-type';

/** Types whose bytes Parley can read and shrink into a thumbnail. */
export const THUMBNAIL_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/** Spellings that mean the same type, so an honest client is not refused over a synonym. */
const SYNONYMS: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'application/x-zip-compressed': 'application/zip',
  'audio/x-ogg': 'audio/ogg',
};

/** Clients that do not know the type say so with these; the sniffed type then stands alone. */
const UNKNOWN_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** `Image/PNG; charset=x` → `image/png`, synonyms resolved. */
export function normaliseMimeType(mimeType: string | undefined): string {
  const bare = (mimeType ?? '').split(';')[0]!.trim().toLowerCase();
  return SYNONYMS[bare] ?? bare;
}

/**
 * What the bytes are: the magic-number type, or `text/plain` for UTF-8 text without control bytes
 * (text has no magic number), or undefined when the bytes say nothing recognisable.
 */
export async function sniffContentType(bytes: Uint8Array): Promise<string | undefined> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) return normaliseMimeType(found.mime);
  if (bytes.length > 0 && isUtf8(bytes) && !hasControlBytes(bytes)) return 'text/plain';
  return undefined;
}

function hasControlBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    // Tab, line feed, carriage return and form feed are text; other C0 bytes are not.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return true;
    if (b === 0x7f) return true;
  }
  return false;
}

export type ContentTypeDecision =
  | { ok: true; mimeType: string }
  | { ok: false; reason: 'unrecognised' | 'mismatch' | 'not_allowed'; message: string };

/**
 * Decides the stored type of an upload from what the bytes are (`sniffed`) and what the client said
 * (`declared`): the client's word never widens what is accepted. A declared type must agree with the
 * bytes (any `text/*` agrees with plain text); the sniffed type must be on the allow list.
 */
export function decideContentType(
  sniffed: string | undefined,
  declared: string | undefined,
  allowed: readonly string[],
): ContentTypeDecision {
  const claimed = normaliseMimeType(declared);
  if (sniffed === undefined)
    return {
      ok: false,
      reason: 'unrecognised',
      message: 'the file type could not be recognised from its bytes',
    };
  const agrees =
    UNKNOWN_TYPES.has(claimed) ||
    claimed === sniffed ||
    (sniffed === 'text/plain' && claimed.startsWith('text/'));
  if (!agrees)
    return {
      ok: false,
      reason: 'mismatch',
      message: `the file was declared as ${claimed} but its bytes are ${sniffed}`,
    };
  if (!isAllowedType(sniffed, allowed))
    return { ok: false, reason: 'not_allowed', message: `${sniffed} files are not accepted here` };
  return { ok: true, mimeType: sniffed };
}

export function isAllowedType(mimeType: string, allowed: readonly string[]): boolean {
  const family = `${mimeType.split('/')[0]}/*`;
  return allowed.includes(mimeType) || allowed.includes(family);
}

/**
 * A file name safe to show and to put in a Content-Disposition header: the last path segment, without
 * control or bidirectional-override characters, at most 255 characters; `file` when nothing is left.
 */
export function cleanFileName(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const cleaned = last.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const safe = cleaned === '.' || cleaned === '..' ? '' : cleaned;
  return [...safe].slice(0, 255).join('') || 'file';
}
