/** What decides whether a machine client's secret opens a token: its revocation and its rotation overlap. */
export interface ClientSecretState {
  secret_hash: string;
  previous_secret_hash: string | null;
  previous_secret_expires_at: Date | null;
  revoked_at: Date | null;
}

/**
 * The hashes a presented secret may match at `now`: none once revoked; the current secret; and the one it
 * replaced until the rotation's overlap ends, so a backend can roll out the new secret without an outage.
 */
export function acceptedSecretHashes(client: ClientSecretState, now: Date): string[] {
  if (client.revoked_at) return [];
  const previousStillValid =
    client.previous_secret_hash !== null &&
    client.previous_secret_expires_at !== null &&
    client.previous_secret_expires_at.getTime() > now.getTime();
  return previousStillValid ? [client.secret_hash, client.previous_secret_hash!] : [client.secret_hash];
}
