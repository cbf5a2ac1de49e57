/**
 * The Markdown subset Parley renders: **bold** / __bold__, *italic* / _italic_, `inline code`, fenced code
 * blocks and links — [text](https://…) and bare http(s) URLs. Everything else, HTML included, is text.
 *
 * The parser returns plain data that MarkdownText turns into React elements, so no string is ever inserted
 * as HTML; a link is made only for an http: or https: URL. Each parse has a work budget: input built to make
 * the delimiter search slow (thousands of unmatched `*`) falls back to plain text instead of freezing the page.
 */

export type InlineNode =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: InlineNode[] }
  | { kind: 'em'; children: InlineNode[] }
  | { kind: 'link'; href: string; children: InlineNode[] };

export type BlockNode =
  { kind: 'paragraph'; children: InlineNode[] } | { kind: 'codeBlock'; text: string; language: string };

/** Nesting deeper than this is left as text. */
const MAX_DEPTH = 6;
/** Characters the delimiter searches may look at per message before giving up on formatting. */
const WORK_BUDGET = 400_000;

const URL_AT = /https?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)\]*_]/iy;
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

class BudgetExceeded extends Error {}

/** An http(s) URL as it may be used in href, or null. */
export function safeHref(raw: string): string | null {
  const value = raw.trim();
  if (!/^https?:\/\//i.test(value) || /[\s<>"`]/.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

export function parseMarkdown(source: string): BlockNode[] {
  const blocks: BlockNode[] = [];
  const lines = source.split('\n');
  const budget = { left: WORK_BUDGET };
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length === 0) return;
    blocks.push({ kind: 'paragraph', children: parseInlineSafely(paragraph.join('\n'), budget) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const fence = /^ {0,3}```([^`\s]*)\s*$/.exec(lines[i]!);
    if (!fence) {
      paragraph.push(lines[i]!);
      continue;
    }
    flush();
    const code: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^ {0,3}```\s*$/.test(lines[j]!)) code.push(lines[j++]!);
    blocks.push({ kind: 'codeBlock', text: code.join('\n'), language: fence[1] ?? '' });
    i = j; // the closing fence (or the end: an unclosed block runs to the end, as in CommonMark)
  }
  flush();
  return blocks;
}

function parseInlineSafely(text: string, budget: { left: number }): InlineNode[] {
  try {
    return parseInline(text, 0, text.length, 0, true, budget);
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    budget.left = 0; // the rest of the message is plain text too
    return [{ kind: 'text', text }];
  }
}

function parseInline(
  s: string,
  start: number,
  end: number,
  depth: number,
  links: boolean,
  budget: { left: number },
): InlineNode[] {
  if (budget.left <= 0) throw new BudgetExceeded();
  const out: InlineNode[] = [];
  let text = '';
  const pushText = (t: string) => {
    text += t;
  };
  const pushNode = (node: InlineNode) => {
    if (text) out.push({ kind: 'text', text });
    text = '';
    out.push(node);
  };
  let i = start;
  while (i < end) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < end && ESCAPABLE.test(s[i + 1]!)) {
      pushText(s[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '`') {
      const n = runLength(s, i, end, '`');
      const close = findBacktickRun(s, i + n, end, n, budget);
      if (close < 0) {
        pushText(s.slice(i, i + n));
        i += n;
        continue;
      }
      let code = s.slice(i + n, close);
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim())
        code = code.slice(1, -1);
      pushNode({ kind: 'code', text: code });
      i = close + n;
      continue;
    }
    if ((c === '*' || c === '_') && depth < MAX_DEPTH) {
      const n = runLength(s, i, end, c);
      const strong = n >= 2 ? findCloser(s, i, end, c, 2, budget) : -1;
      if (strong >= 0) {
        pushNode({ kind: 'strong', children: parseInline(s, i + 2, strong, depth + 1, links, budget) });
        i = strong + 2;
        continue;
      }
      const em = findCloser(s, i + n - 1, end, c, 1, budget);
      if (em >= 0) {
        if (n > 1) pushText(s.slice(i, i + n - 1));
        pushNode({ kind: 'em', children: parseInline(s, i + n, em, depth + 1, links, budget) });
        i = em + 1;
        continue;
      }
      pushText(s.slice(i, i + n));
      i += n;
      continue;
    }
    if (c === '[' && links && depth < MAX_DEPTH) {
      const link = matchLink(s, i, end, budget);
      if (link) {
        pushNode({
          kind: 'link',
          href: link.href,
          children: parseInline(s, i + 1, link.labelEnd, depth + 1, false, budget),
        });
        i = link.end;
        continue;
      }
    }
    if ((c === 'h' || c === 'H') && links && (i === start || !WORD.test(s[i - 1]!))) {
      URL_AT.lastIndex = i;
      const m = URL_AT.exec(s);
      if (m && i + m[0].length <= end) {
        const href = safeHref(m[0]);
        if (href) {
          pushNode({ kind: 'link', href, children: [{ kind: 'text', text: m[0] }] });
          i += m[0].length;
          continue;
        }
      }
    }
    pushText(c);
    i += 1;
  }
  if (text) out.push({ kind: 'text', text });
  return out;
}

function runLength(s: string, i: number, end: number, ch: string): number {
  let n = 0;
  while (i + n < end && s[i + n] === ch) n++;
  return n;
}

function spend(budget: { left: number }, n: number): void {
  budget.left -= n;
  if (budget.left <= 0) throw new BudgetExceeded();
}

/** Start of the next run of exactly `n` backticks at or after `from`, or -1. */
function findBacktickRun(s: string, from: number, end: number, n: number, budget: { left: number }): number {
  let j = from;
  while (j < end) {
    spend(budget, 1);
    if (s[j] !== '`') {
      j++;
      continue;
    }
    const m = runLength(s, j, end, '`');
    if (m === n) return j;
    j += m;
  }
  return -1;
}

/**
 * Where the delimiter opened at `open` (`width` 1 or 2 of `ch`) closes, or -1. An opener must be followed
 * by non-space, a closer preceded by non-space; `_` must also stand outside a word (snake_case stays text).
 * Code spans and escapes are stepped over, and for a single delimiter a double run belongs to an inner
 * strong and is skipped whole.
 */
function findCloser(
  s: string,
  open: number,
  end: number,
  ch: string,
  width: number,
  budget: { left: number },
): number {
  const after = open + width;
  if (after >= end || SPACE.test(s[after]!)) return -1;
  if (ch === '_' && open > 0 && WORD.test(s[open - 1]!)) return -1;
  let j = after + 1;
  while (j < end) {
    spend(budget, 1);
    const c = s[j]!;
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (c === '`') {
      const n = runLength(s, j, end, '`');
      const close = findBacktickRun(s, j + n, end, n, budget);
      j = close < 0 ? j + n : close + n;
      continue;
    }
    if (c !== ch) {
      j++;
      continue;
    }
    const n = runLength(s, j, end, ch);
    const fits = width === 2 ? n >= 2 : n === 1 || n === 3;
    const closeAt = width === 2 ? j + n - 2 : j + n - 1;
    const before = s[j - 1]!;
    const next = closeAt + width < end ? s[closeAt + width]! : '';
    if (fits && !SPACE.test(before) && !(ch === '_' && next && WORD.test(next))) return closeAt;
    j += n;
  }
  return -1;
}

function matchLink(
  s: string,
  open: number,
  end: number,
  budget: { left: number },
): { labelEnd: number; href: string; end: number } | null {
  let j = open + 1;
  let nested = 0;
  while (j < end) {
    spend(budget, 1);
    const c = s[j]!;
    if (c === '\\') j += 2;
    else if (c === '[') {
      nested++;
      j++;
    } else if (c === ']') {
      if (nested === 0) break;
      nested--;
      j++;
    } else j++;
  }
  if (j >= end || s[j + 1] !== '(' || j === open + 1) return null;
  const close = s.indexOf(')', j + 2);
  if (close < 0 || close >= end) return null;
  spend(budget, close - j);
  const href = safeHref(s.slice(j + 2, close));
  return href ? { labelEnd: j, href, end: close + 1 } : null;
}
