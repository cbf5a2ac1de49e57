import { ClientList, ClientWithSecret, CreateClientRequest, MachineClient } from '@parley/protocol';
import { requestAsClient, type AuthorizedJsonOptions } from './authorized-json.js';

/**
 * Messaging's admin REST API for machine clients, called as a client holding the `admin` scope. Requests are
 * checked with their `@parley/protocol` schema before they leave; answers are parsed with theirs.
 */
export class AdminClientsApi {
  constructor(private readonly options: AuthorizedJsonOptions) {}

  /** A new client; `clientSecret` is shown this once. */
  create(request: CreateClientRequest): Promise<ClientWithSecret> {
    const body = CreateClientRequest.parse(request);
    return requestAsClient(this.options, 'POST', '/v1/admin/clients', ClientWithSecret, body);
  }

  async list(): Promise<MachineClient[]> {
    return (await requestAsClient(this.options, 'GET', '/v1/admin/clients', ClientList)).clients;
  }

  get(id: string): Promise<MachineClient> {
    return requestAsClient(this.options, 'GET', `/v1/admin/clients/${encodeURIComponent(id)}`, MachineClient);
  }

  /** A new secret; the old one keeps working until messaging's rotation overlap ends. */
  rotateSecret(id: string): Promise<ClientWithSecret> {
    const path = `/v1/admin/clients/${encodeURIComponent(id)}/rotate-secret`;
    return requestAsClient(this.options, 'POST', path, ClientWithSecret);
  }

  /** Its token requests fail from now on; tokens it already holds work until they expire. */
  revoke(id: string): Promise<void> {
    return requestAsClient(this.options, 'DELETE', `/v1/admin/clients/${encodeURIComponent(id)}`, undefined);
  }
}
