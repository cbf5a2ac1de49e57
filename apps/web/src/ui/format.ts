const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** "14:05" */
export function formatTime(value: string | Date): string {
  return timeFormat.format(toDate(value));
}

/** "Tuesday 4 March 2025, 14:05": for tooltips. */
export function formatFull(value: string | Date): string {
  return fullFormat.format(toDate(value));
}

/** Conversation list stamp: time today, weekday this week, date before. */
export function formatListStamp(value: string | Date, now = new Date()): string {
  const d = toDate(value);
  const days = Math.round((startOfDay(now) - startOfDay(d)) / 86_400_000);
  if (days <= 0) return timeFormat.format(d);
  if (days < 7) return weekdayFormat.format(d);
  return shortDateFormat.format(d);
}

/** Day divider in the message list: "Today", "Yesterday", or the full date. */
export function formatDay(value: string | Date, now = new Date()): string {
  const d = toDate(value);
  const days = Math.round((startOfDay(now) - startOfDay(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return longDateFormat.format(d);
}

export function sameDay(a: string | Date, b: string | Date): boolean {
  return startOfDay(toDate(a)) === startOfDay(toDate(b));
}

/** 70_400 bytes -> "68.8"; whole numbers lose their ".0" (65_536 -> "64"). */
export function formatKb(bytes: number): string {
  const kb = bytes / 1024;
  const rounded = kb >= 100 ? Math.round(kb) : Math.round(kb * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatKb(bytes)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const encoder = new TextEncoder();
export function utf8Bytes(text: string): number {
  return encoder.encode(text).byteLength;
}

/** Names joined for humans: "Bob", "Bob and Carol", "Bob, Carol and Dave". */
export function joinNames(names: string[]): string {
  const isolated = names.map(isolate);
  if (isolated.length <= 1) return isolated[0] ?? '';
  return `${isolated.slice(0, -1).join(', ')} and ${isolated[isolated.length - 1]}`;
}

/** Right-to-left letters and the bidi controls (LRE…RLO, LRI…PDI, LRM/RLM). */
const BIDI_SENSITIVE = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * User text placed inside a longer string ("Bob is typing…", "Seen by Ann, Bob") is wrapped in FIRST STRONG
 * ISOLATE … POP DIRECTIONAL ISOLATE, the text form of <bdi>: an RLO in a name cannot reorder what follows it.
 * Plain left-to-right text is returned unchanged.
 */
export function isolate(text: string): string {
  return BIDI_SENSITIVE.test(text) ? `\u2068${text}\u2069` : text;
}
