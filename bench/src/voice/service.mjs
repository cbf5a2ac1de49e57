import { fileURLToPath } from 'node:url';
import { startBuiltService } from '../lib/built-service.mjs';

const MAIN_JS = fileURLToPath(new URL('../../../apps/voice-proxy/dist/main.js', import.meta.url));

/**
 * Starts the built voice proxy as a child process: its own schema, the messaging service's Redis prefix
 * (they share the bus), and the machine client messaging was started with.
 */
export function startVoiceProxyService({ messagingUrl, redisPrefix, clientId, clientSecret, operators }) {
  return startBuiltService({
    name: 'voice-proxy',
    mainJs: MAIN_JS,
    label: 'bench-voice',
    redisPrefix,
    env: {
      JWKS_URL: `${messagingUrl}/.well-known/jwks.json`,
      MESSAGING_URL: messagingUrl,
      VOICE_PROXY_CLIENT_ID: clientId,
      VOICE_PROXY_CLIENT_SECRET: clientSecret,
      SUPPORT_OPERATORS: operators.join(','),
      RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
    },
  });
}
