export { ClientCredentialsTokens, type ClientCredentialsOptions } from './client-credentials-tokens.js';
export {
  MessagingServerClient,
  type MessagingServerClientOptions,
  type SignalSender,
} from './messaging-server-client.js';
export { MessagingUnavailableError, SignalRefusedError } from './errors.js';
