import { e2eNamespace, voiceProxyNamespace, webhookGatewayNamespace } from './namespace.js';

/**
 * Drops the suite's schemas (messaging's, the voice proxy's and the webhook gateway's), deletes its Redis keys and removes its key directory. Playwright runs this
 * before it stops the web servers, so a key a service writes in its last moments can outlive the run.
 */
export default async function globalTeardown(): Promise<void> {
  await Promise.all([
    e2eNamespace.cleanup(),
    voiceProxyNamespace.cleanup(),
    webhookGatewayNamespace.cleanup(),
  ]);
}
