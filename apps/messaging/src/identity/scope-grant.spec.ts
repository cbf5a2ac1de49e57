import { describe, expect, it } from 'vitest';
import { grantScopes } from './scope-grant.js';

describe('grantScopes', () => {
  it('grants every allowed scope when none is asked', () => {
    expect(grantScopes(['a', 'b'], undefined)).toEqual(['a', 'b']);
  });
  it('narrows to the asked scopes', () => {
    expect(grantScopes(['a', 'b'], 'b')).toEqual(['b']);
  });
  it('refuses a scope the subject may not have', () => {
    expect(() => grantScopes(['a'], 'a admin')).toThrow(/scope not allowed: admin/);
  });
});
