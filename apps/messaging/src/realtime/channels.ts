/** Redis pub/sub channel carrying every live frame for one user's devices, on whichever node they are. */
export function userChannel(userId: string): string {
  return `user:${userId}`;
}

/** The channel of a machine client's live connections (a voice proxy listening for signals). */
export function clientChannel(clientId: string): string {
  return `client:${clientId}`;
}

/** The live channel of an identity of either kind. */
export function identityChannel(kind: 'user' | 'client', id: string): string {
  return kind === 'user' ? userChannel(id) : clientChannel(id);
}
