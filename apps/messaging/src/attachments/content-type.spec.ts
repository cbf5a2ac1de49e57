import { describe, expect, it } from 'vitest';
import {
  cleanFileName,
  decideContentType,
  isAllowedType,
  normaliseMimeType,
  sniffContentType,
} from './content-type.js';

const PNG_MAGIC = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const allowed = ['image/*', 'text/plain', 'application/pdf'];

describe('sniffing the content type', () => {
  it('recognises magic numbers and plain UTF-8 text, and nothing else', async () => {
    expect(await sniffContentType(PNG_MAGIC)).toBe('image/png');
    expect(await sniffContentType(Buffer.from('hello, wörld\n\ttabbed'))).toBe('text/plain');
    expect(await sniffContentType(Buffer.from([0x00, 0x01, 0x02]))).toBeUndefined();
    expect(await sniffContentType(Buffer.from([0x80, 0x81, 0x82, 0x41]))).toBeUndefined();
    expect(await sniffContentType(Buffer.alloc(0))).toBeUndefined();
  });

  it('normalises case, parameters and synonyms', () => {
    expect(normaliseMimeType('Image/JPG; q=1')).toBe('image/jpeg');
    expect(normaliseMimeType(undefined)).toBe('');
  });
});

describe('deciding the stored type', () => {
  it('takes the sniffed type when the client agrees or does not know', () => {
    expect(decideContentType('image/png', 'image/png', allowed)).toEqual({ ok: true, mimeType: 'image/png' });
    expect(decideContentType('image/png', 'application/octet-stream', allowed)).toMatchObject({ ok: true });
    expect(decideContentType('image/png', undefined, allowed)).toMatchObject({ ok: true });
    expect(decideContentType('text/plain', 'text/markdown', allowed)).toEqual({
      ok: true,
      mimeType: 'text/plain',
    });
  });

  it('refuses a mismatch, an unrecognised file and a type off the allow list', () => {
    expect(decideContentType('image/png', 'image/jpeg', allowed)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(decideContentType('text/plain', 'image/png', allowed)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(decideContentType(undefined, 'image/png', allowed)).toMatchObject({
      ok: false,
      reason: 'unrecognised',
    });
    expect(decideContentType('application/zip', 'application/zip', allowed)).toMatchObject({
      ok: false,
      reason: 'not_allowed',
    });
  });

  it('a family wildcard allows the whole family', () => {
    expect(isAllowedType('image/webp', ['image/*'])).toBe(true);
    expect(isAllowedType('video/mp4', ['image/*'])).toBe(false);
  });
});

describe('cleaning file names', () => {
  it('keeps the last path segment without control or direction characters', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\me\\photo.png')).toBe('photo.png');
    expect(cleanFileName('inv\u202Egnp.exe')).toBe('invgnp.exe');
    expect(cleanFileName('a\u0000b\nc')).toBe('abc');
    expect(cleanFileName('..')).toBe('file');
    expect(cleanFileName(undefined)).toBe('file');
    expect([...cleanFileName('é'.repeat(300))]).toHaveLength(255);
  });
});
