import { describe, expect, it } from 'vitest';
import { findInputIssue, InputLimits, isStorableText } from '../input-rules.js';
import {
  ClientFrame,
  ConversationEvent,
  CreateConversationRequest,
  RetransmitQuery,
  SendMessageRequest,
  TokenRequest,
} from '../index.js';

describe('messaging wire schemas', () => {
  it('accepts a message with ordered MIME parts and rejects unknown fields', () => {
    const ok = SendMessageRequest.safeParse({
      clientMessageId: 'c-1',
      parts: [
        { mimeType: 'text/plain', body: 'hi' },
        { mimeType: 'image/png', url: 'https://x.example/a.png' },
      ],
    });
    expect(ok.success).toBe(true);
    const extra = SendMessageRequest.safeParse({
      clientMessageId: 'c-1',
      parts: [{ mimeType: 'text/plain', body: 'hi' }],
      priority: 'high',
    });
    expect(extra.success).toBe(false);
    expect(extra.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['priority'] });
  });

  it('requires exactly one of body or url in a part', () => {
    expect(
      SendMessageRequest.safeParse({ clientMessageId: 'c', parts: [{ mimeType: 'text/plain' }] }).success,
    ).toBe(false);
    expect(
      SendMessageRequest.safeParse({
        clientMessageId: 'c',
        parts: [{ mimeType: 'text/plain', body: 'a', url: 'https://x.example' }],
      }).success,
    ).toBe(false);
  });

  it('rejects a MIME type that is not one', () => {
    expect(
      SendMessageRequest.safeParse({ clientMessageId: 'c', parts: [{ mimeType: 'plain text', body: 'a' }] })
        .success,
    ).toBe(false);
  });

  it('refuses a direct conversation with more than one other participant', () => {
    const res = CreateConversationRequest.safeParse({
      type: 'direct',
      participants: ['6f1f7f0e-5b1a-4f7e-9c1a-000000000001', '6f1f7f0e-5b1a-4f7e-9c1a-000000000002'],
    });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.path).toEqual(['participants']);
  });

  it('coerces query seqs and refuses reversed ranges', () => {
    expect(RetransmitQuery.parse({ fromSeq: '3', toSeq: '9' })).toEqual({ fromSeq: 3, toSeq: 9 });
    expect(RetransmitQuery.safeParse({ fromSeq: '9', toSeq: '3' }).success).toBe(false);
    expect(RetransmitQuery.safeParse({ fromSeq: '0' }).success).toBe(false);
  });

  it('distinguishes OAuth2 grants by grant_type', () => {
    expect(
      TokenRequest.safeParse({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' })
        .success,
    ).toBe(true);
    expect(TokenRequest.safeParse({ grant_type: 'implicit' }).success).toBe(false);
  });

  it('parses client frames and refuses unknown kinds', () => {
    expect(
      ClientFrame.parse({ type: 'typing', conversationId: '6f1f7f0e-5b1a-4f7e-9c1a-000000000001' }),
    ).toMatchObject({ active: true });
    expect(ClientFrame.safeParse({ type: 'subscribe' }).success).toBe(false);
  });

  it('parses a message.sent event as its variant', () => {
    const id = '6f1f7f0e-5b1a-4f7e-9c1a-000000000001';
    const event = ConversationEvent.parse({
      id,
      conversationId: id,
      seq: 2,
      actorId: id,
      createdAt: '2026-01-01T00:00:00.000Z',
      type: 'message.sent',
      payload: {
        message: {
          id,
          conversationId: id,
          seq: 2,
          senderId: id,
          clientMessageId: 'c',
          parts: [],
          createdAt: 'x',
          editedAt: null,
          removedAt: null,
        },
      },
    });
    expect(event.type).toBe('message.sent');
  });
});

describe('input rules', () => {
  it('refuses NUL and lone surrogates anywhere, keys included, and names the path', () => {
    expect(findInputIssue({ a: 'fine 😀 ok' }, 'body')).toBeUndefined();
    expect(findInputIssue({ a: ['x', 'nul\u0000'] }, 'body')).toEqual({
      path: 'body.a.1',
      message: 'must not contain the NUL character (U+0000)',
    });
    expect(findInputIssue({ b: 'half \ud83d' }, 'body')?.path).toBe('body.b');
    expect(findInputIssue({ 'k\udc00': 1 }, 'body')?.message).toMatch(/^field name must be well-formed/);
    expect(isStorableText('😀')).toBe(true);
    expect(isStorableText('\ude00\ud83d')).toBe(false);
  });

  it('bounds depth and size without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findInputIssue(deep, 'body')?.message).toBe(
      `nests deeper than ${InputLimits.maxJsonDepth} levels`,
    );
    let ok: unknown = 1;
    for (let i = 0; i < InputLimits.maxJsonDepth; i++) ok = { x: ok };
    expect(findInputIssue(ok, 'body')).toBeUndefined();
    const wide = Array.from({ length: InputLimits.maxJsonNodes + 1 }, () => 0);
    expect(findInputIssue(wide, 'body')?.message).toMatch(/more than/);
  });
});
