/**
 * Machine clients the e2e run adds to messaging's OAUTH_CLIENTS (only for the run): an admin that registers
 * the live-chat widget's site, and a customer backend that manages webhooks and pre-send hooks. The secrets
 * are test-only values.
 */
export const e2eMachineClients = {
  admin: { id: 'e2e-admin', secret: 'e2e-only-admin-client-secret-0123456789', scopes: ['admin'] },
  backend: {
    id: 'e2e-customer-backend',
    secret: 'e2e-only-backend-client-secret-0123456789',
    scopes: ['webhooks.manage'],
  },
} as const;

/** The origin of the plain web page the live-chat spec serves, on a port picked by the runner (ports.ts). */
export function widgetPageOrigin(port: number | string = process.env.E2E_WIDGET_PAGE_PORT ?? ''): string {
  return `http://127.0.0.1:${port}`;
}
