/** Redis pub/sub channel carrying every live frame for one user's devices, on whichever node they are. */
export function userChannel(userId: string): string {
  return `user:${userId}`;
}
