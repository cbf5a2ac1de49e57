import type { TokenResponse, User } from '@parley/protocol';

/** What an app keeps to stay logged in: the user and its tokens. */
export interface Session {
  user: User;
  tokens: TokenResponse;
}
