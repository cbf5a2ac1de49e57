import { Fragment, memo, useMemo, type ReactNode } from 'react';
import { parseMarkdown, type InlineNode } from './parse-markdown';

function renderInline(nodes: readonly InlineNode[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case 'text':
        return <Fragment key={i}>{node.text}</Fragment>;
      case 'code':
        return (
          <code key={i} className="md-code">
            {node.text}
          </code>
        );
      case 'strong':
        return <strong key={i}>{renderInline(node.children)}</strong>;
      case 'em':
        return <em key={i}>{renderInline(node.children)}</em>;
      case 'link':
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
            {renderInline(node.children)}
          </a>
        );
    }
  });
}

/**
 * A message's text with the Markdown subset rendered as React elements (never as HTML). Text blocks keep
 * the direction of their own first strong character (the caller's `dir="auto"` + `unicode-bidi: plaintext`);
 * code blocks are always left-to-right and isolated.
 */
export const MarkdownText = memo(function MarkdownText({ text }: { text: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <>
      {blocks.map((block, i) =>
        block.kind === 'codeBlock' ? (
          <pre key={i} className="md-code-block" dir="ltr" data-language={block.language || undefined}>
            <code>{block.text}</code>
          </pre>
        ) : (
          <span key={i} className="md-paragraph" dir="auto">
            {renderInline(block.children)}
          </span>
        ),
      )}
    </>
  );
});
