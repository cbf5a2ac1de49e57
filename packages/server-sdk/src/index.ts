export { ClientCredentialsTokens, type ClientCredentialsOptions } from './client-credentials-tokens.js';
export {
  MessagingServerClient,
  type MessagingServerClientOptions,
  type SignalSender,
} from './messaging-server-client.js';
export { MessagingUnavailableError, ParleyRequestError, SignalRefusedError } from './errors.js';
export { AdminClientsApi } from './admin-clients-api.js';
export { ServerApiClient } from './server-api-client.js';
export type { AuthorizedJsonOptions } from './authorized-json.js';
