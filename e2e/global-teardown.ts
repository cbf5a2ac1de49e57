import { e2eNamespace, voiceProxyNamespace } from './namespace.js';

/**
 * Drops the suite's schemas (messaging's and the voice proxy's), deletes its Redis keys and removes its key directory. Playwright runs this
 * before it stops the web servers, so a key a service writes in its last moments can outlive the run.
 */
export default async function globalTeardown(): Promise<void> {
  await Promise.all([e2eNamespace.cleanup(), voiceProxyNamespace.cleanup()]);
}
