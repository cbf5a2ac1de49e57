import type { ConversationType, Permissions, PermissionsPatch } from '@parley/protocol';

export const OwnerPermissions: Permissions = {
  write: true,
  editOwn: true,
  editAll: true,
  manageParticipants: true,
  owner: true,
};
export const MemberPermissions: Permissions = {
  write: true,
  editOwn: true,
  editAll: false,
  manageParticipants: false,
  owner: false,
};

/** Owner implies every other right, so a stored row can never say "owner but may not write". */
export function normalizePermissions(p: Permissions): Permissions {
  return p.owner ? { ...OwnerPermissions } : { ...p };
}

export function applyPermissionsPatch(base: Permissions, patch: PermissionsPatch | undefined): Permissions {
  return normalizePermissions({ ...base, ...(patch ?? {}) });
}

/** What the creator gets: nobody owns a direct conversation, both sides are equal members. */
export function creatorPermissions(type: ConversationType): Permissions {
  return type === 'direct' ? { ...MemberPermissions } : { ...OwnerPermissions };
}

export type ConversationAction =
  'write' | 'editOwn' | 'editAll' | 'manageParticipants' | 'updateConversation' | 'grantOwner';

export function isAllowed(p: Permissions, action: ConversationAction, type: ConversationType): boolean {
  switch (action) {
    case 'write':
      return p.write;
    case 'editOwn':
      return p.editOwn || p.editAll;
    case 'editAll':
      return p.editAll;
    case 'manageParticipants':
      return type !== 'direct' && (p.manageParticipants || p.owner);
    case 'updateConversation':
      return type === 'direct' || p.manageParticipants || p.owner;
    case 'grantOwner':
      return p.owner;
  }
}

/** Distinct conversations are found again by their sorted participant set. */
export function distinctKey(type: ConversationType, userIds: string[]): string {
  return `${type}:${[...new Set(userIds)].sort().join(',')}`;
}
