import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MarkdownText } from './MarkdownText';
import { parseMarkdown, safeHref } from './parse-markdown';

const html = (text: string) => renderToStaticMarkup(<MarkdownText text={text} />);
/** The inside of the one paragraph a short text renders to. */
const inline = (text: string) => html(text).replace(/^<span class="md-paragraph" dir="auto">|<\/span>$/g, '');

describe('the Markdown subset', () => {
  it('bold, italic, inline code and their nesting', () => {
    expect(inline('**bold** and __bold__')).toBe('<strong>bold</strong> and <strong>bold</strong>');
    expect(inline('*it* and _it_')).toBe('<em>it</em> and <em>it</em>');
    expect(inline('**bold *and italic* bold**')).toBe('<strong>bold <em>and italic</em> bold</strong>');
    expect(inline('***both***')).toBe('<strong><em>both</em></strong>');
    expect(inline('use `npm ci` here')).toBe('use <code class="md-code">npm ci</code> here');
    expect(inline('`**not bold**`')).toBe('<code class="md-code">**not bold**</code>');
    expect(inline('``a ` b``')).toBe('<code class="md-code">a ` b</code>');
  });

  it('leaves unmatched or word-inner markers as text', () => {
    expect(inline('2 * 3 * 4')).toBe('2 * 3 * 4');
    expect(inline('snake_case_name')).toBe('snake_case_name');
    expect(inline('**open only')).toBe('**open only');
    expect(inline('`unclosed')).toBe('`unclosed');
    expect(inline('\\*not italic\\*')).toBe('*not italic*');
  });

  it('fenced code blocks keep their text verbatim and left-to-right', () => {
    expect(html('look:\n```ts\nconst a = **b**;\n<b>x</b>\n```\nafter')).toBe(
      '<span class="md-paragraph" dir="auto">look:</span>' +
        '<pre class="md-code-block" dir="ltr" data-language="ts"><code>const a = **b**;\n&lt;b&gt;x&lt;/b&gt;</code></pre>' +
        '<span class="md-paragraph" dir="auto">after</span>',
    );
    expect(parseMarkdown('```\nno end')).toEqual([{ kind: 'codeBlock', text: 'no end', language: '' }]);
  });

  it('links: [text](http/https) and bare URLs, opened safely', () => {
    expect(inline('[the *docs*](https://parley.example/docs?a=1&b=2)')).toBe(
      '<a href="https://parley.example/docs?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow">the <em>docs</em></a>',
    );
    expect(inline('see https://parley.example/x.')).toBe(
      'see <a href="https://parley.example/x" target="_blank" rel="noopener noreferrer nofollow">https://parley.example/x</a>.',
    );
  });
});

describe('hostile input', () => {
  it('HTML is text, never markup', () => {
    const out = html('<img src=x onerror="alert(1)"><script>alert(2)</script> **<b>x</b>**');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;');
    expect(out).toContain('<strong>&lt;b&gt;x&lt;/b&gt;</strong>');
  });

  it('only http and https links; javascript:, data: and others stay text', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      'file:///etc/passwd',
      '//evil.example',
    ]) {
      const out = html(`[click](${href})`);
      expect(out, href).not.toContain('<a');
    }
    // Broken http(s) targets: at most the http(s) URL in them becomes a link, and no attribute is injected.
    for (const text of ['[click](https://a b)', '[x](https://"onmouseover="alert(1))']) {
      const out = html(text);
      const hrefs = [...out.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
      expect(
        hrefs.every((h) => /^https?:\/\/[^"\s]*$/.test(h)),
        out,
      ).toBe(true);
      expect(out).not.toContain('onmouseover="');
    }
    expect(html('javascript:alert(1)')).not.toContain('<a');
    expect(safeHref('https://ok.example')).toBe('https://ok.example');
    expect(safeHref('http://[::1')).toBeNull();
  });

  it('a link inside a link label is not a second link; the label cannot break out of the element', () => {
    const out = html('[[inner](https://a.example)](https://b.example)');
    expect(out.match(/<a /g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(html('[x" onclick="alert(1)](https://a.example)')).toContain('x&quot; onclick=&quot;alert(1)');
  });

  it('deeply nested and pathological markers stay fast and end as text', () => {
    const nested = `${'**'.repeat(200)}x${'**'.repeat(200)}`;
    const started = performance.now();
    expect(html(nested)).toContain('x');
    expect(html('*'.repeat(60_000))).toContain('*'.repeat(100));
    expect(html('*a '.repeat(20_000))).toContain('*a');
    expect(html('`'.repeat(30_000) + 'x')).toContain('x');
    expect(html('[a]('.repeat(10_000))).not.toContain('<a');
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
