import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.js';
import {
  DEFAULT_USER_SCOPES,
  Scopes,
  formatScopeString,
  hasScopes,
  missingScopes,
  parseScopeString,
} from './scopes.js';

function principalWith(scopes: string[]): Principal {
  return { subject: 'user-1', kind: 'user', scopes, tokenId: 'jti-1', expiresAt: 2_000_000_000 };
}

describe('scopes', () => {
  it('gives users the everyday scopes but not admin, webhook or voice proxy', () => {
    expect(DEFAULT_USER_SCOPES).toEqual([
      'messages.read',
      'messages.write',
      'conversations.manage',
      'call.control.answer_and_initiate',
    ]);
    expect(DEFAULT_USER_SCOPES).not.toContain(Scopes.admin);
    expect(DEFAULT_USER_SCOPES).not.toContain(Scopes.webhooksManage);
    expect(DEFAULT_USER_SCOPES).not.toContain(Scopes.voiceProxy);
  });

  it('parses OAuth2 space-separated scope strings, dropping blanks and duplicates', () => {
    expect(parseScopeString(undefined)).toEqual([]);
    expect(parseScopeString('')).toEqual([]);
    expect(parseScopeString('  messages.read   messages.write messages.read ')).toEqual([
      'messages.read',
      'messages.write',
    ]);
  });

  it('formats scopes back into a string that parses to the same list', () => {
    const formatted = formatScopeString(['a.b', 'c', 'a.b']);
    expect(formatted).toBe('a.b c');
    expect(parseScopeString(formatted)).toEqual(['a.b', 'c']);
    expect(() => formatScopeString(['two words'])).toThrow(TypeError);
    expect(() => formatScopeString([''])).toThrow(TypeError);
  });

  it('requires every listed scope and reports exactly the missing ones', () => {
    const principal = principalWith([Scopes.messagesRead, Scopes.messagesWrite]);
    expect(hasScopes(principal, [])).toBe(true);
    expect(hasScopes(principal, [Scopes.messagesRead])).toBe(true);
    expect(hasScopes(principal, [Scopes.messagesRead, Scopes.webhooksManage])).toBe(false);
    expect(missingScopes(principal, [Scopes.messagesRead, Scopes.webhooksManage, Scopes.voiceProxy])).toEqual(
      [Scopes.webhooksManage, Scopes.voiceProxy],
    );
  });

  it('does not treat admin as a wildcard', () => {
    expect(hasScopes(principalWith([Scopes.admin]), [Scopes.messagesRead])).toBe(false);
  });
});
