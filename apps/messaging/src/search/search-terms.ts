import { SearchLimits } from '@parley/protocol';

/**
 * The tsquery for what a user typed: every word must occur, each as a prefix (search as you type). Only
 * letters and digits reach the query text, so no input can inject tsquery operators; punctuation splits
 * words the way PostgreSQL's parser does. Undefined when nothing searchable is left.
 */
export function toPrefixTsQuery(typed: string): string | undefined {
  const words =
    typed
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words)].slice(0, SearchLimits.maxTerms);
  if (unique.length === 0) return undefined;
  return unique.map((w) => `${w}:*`).join(' & ');
}

export const SNIPPET_START = '\u0001';
export const SNIPPET_STOP = '\u0002';

/** ts_headline's output, marked with the two control characters above, as plain-text segments. */
export function toSnippetSegments(headline: string): Array<{ text: string; match: boolean }> {
  const segments: Array<{ text: string; match: boolean }> = [];
  let match = false;
  let text = '';
  const flush = () => {
    if (text) segments.push({ text, match });
    text = '';
  };
  for (const ch of headline) {
    if (ch === SNIPPET_START || ch === SNIPPET_STOP) {
      flush();
      match = ch === SNIPPET_START;
    } else {
      text += ch;
    }
  }
  flush();
  return segments;
}

/** A page position: the hit's creation time in microseconds since the epoch and its id. */
export interface SearchPosition {
  createdAtMicros: string;
  messageId: string;
}

export function encodeSearchCursor(p: SearchPosition): string {
  return `${p.createdAtMicros}.${p.messageId}`;
}

export function decodeSearchCursor(cursor: string): SearchPosition {
  const dot = cursor.indexOf('.');
  return { createdAtMicros: cursor.slice(0, dot), messageId: cursor.slice(dot + 1) };
}
