import { describe, expect, it } from 'vitest';
import { extractBearerToken } from './bearer.js';

describe('extractBearerToken', () => {
  it('reads the Authorization: Bearer header, case-insensitively', () => {
    expect(extractBearerToken({ headers: { authorization: 'Bearer abc.def.ghi' } })).toBe('abc.def.ghi');
    expect(extractBearerToken({ headers: { authorization: 'bearer   abc.def.ghi ' } })).toBe('abc.def.ghi');
    expect(extractBearerToken({ headers: { authorization: ['Bearer first', 'Bearer second'] } })).toBe(
      'first',
    );
  });

  it('ignores other schemes and malformed values', () => {
    expect(extractBearerToken({ headers: {} })).toBeUndefined();
    expect(extractBearerToken({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })).toBeUndefined();
    expect(extractBearerToken({ headers: { authorization: 'Bearer' } })).toBeUndefined();
    expect(extractBearerToken({ headers: { authorization: 'Bearer two tokens' } })).toBeUndefined();
  });

  it('reads the access_token query parameter of WebSocket upgrade requests', () => {
    const upgrade = { upgrade: 'websocket', connection: 'Upgrade' };
    expect(extractBearerToken({ headers: upgrade, url: '/v1/realtime?access_token=abc.def.ghi&x=1' })).toBe(
      'abc.def.ghi',
    );
    expect(extractBearerToken({ headers: { upgrade: 'WebSocket' }, url: '/ws?access_token=tok' })).toBe(
      'tok',
    );
    expect(extractBearerToken({ headers: upgrade, url: '/v1/realtime?access_token=' })).toBeUndefined();
    expect(extractBearerToken({ headers: upgrade, url: '/v1/realtime' })).toBeUndefined();
  });

  it('prefers the header over the query parameter', () => {
    expect(
      extractBearerToken({
        headers: { upgrade: 'websocket', authorization: 'Bearer from-header' },
        url: '/ws?access_token=from-query',
      }),
    ).toBe('from-header');
  });

  it('does not read the query string of plain HTTP requests', () => {
    expect(extractBearerToken({ headers: {}, url: '/v1/messages?access_token=abc' })).toBeUndefined();
  });
});
