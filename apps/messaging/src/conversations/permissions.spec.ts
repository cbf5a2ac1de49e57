import { describe, expect, it } from 'vitest';
import {
  applyPermissionsPatch,
  creatorPermissions,
  distinctKey,
  isAllowed,
  MemberPermissions,
} from './permissions.js';

describe('conversation permissions', () => {
  it('makes the creator of a group its owner but nobody the owner of a direct chat', () => {
    expect(creatorPermissions('group').owner).toBe(true);
    expect(creatorPermissions('direct').owner).toBe(false);
  });

  it('gives an owner every right even when a patch tries to take one away', () => {
    const p = applyPermissionsPatch(MemberPermissions, { owner: true, write: false });
    expect(p).toEqual({ write: true, editOwn: true, editAll: true, manageParticipants: true, owner: true });
  });

  it('never lets anyone manage the participants of a direct conversation', () => {
    expect(isAllowed(creatorPermissions('group'), 'manageParticipants', 'direct')).toBe(false);
    expect(isAllowed(creatorPermissions('group'), 'manageParticipants', 'group')).toBe(true);
  });

  it('lets editAll edit own messages too', () => {
    expect(isAllowed({ ...MemberPermissions, editOwn: false, editAll: true }, 'editOwn', 'group')).toBe(true);
    expect(isAllowed({ ...MemberPermissions, editOwn: false }, 'editOwn', 'group')).toBe(false);
  });

  it('builds the same distinct key whatever the order of participants', () => {
    expect(distinctKey('direct', ['b', 'a'])).toBe(distinctKey('direct', ['a', 'b', 'a']));
    expect(distinctKey('direct', ['a', 'b'])).not.toBe(distinctKey('group', ['a', 'b']));
  });
});
