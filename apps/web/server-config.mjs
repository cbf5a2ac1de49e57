// What server.mjs serves as /config.json, read from its environment (kept apart from the server so it can be
// tested without listening on a port).

/** Every variable server.mjs reads, for .env.example and its check. */
export const webEnvVariables = [
  'WEB_PORT',
  'WEB_HOST',
  'MESSAGING_PUBLIC_URL',
  'TERMINAL_PUBLIC_URL',
  'VOICE_PROXY_PUBLIC_URL',
  'WEBHOOK_GATEWAY_PUBLIC_URL',
  'SEED_DEMO_USERS',
];

/**
 * The client's configuration. `demoUsers` tells the log-in page whether the demo users exist: it follows
 * SEED_DEMO_USERS, the same variable (and the same default, false) with which messaging creates them.
 */
export function webConfigFromEnv(env) {
  return {
    messagingUrl: env.MESSAGING_PUBLIC_URL || 'http://localhost:3001',
    terminalUrl: env.TERMINAL_PUBLIC_URL || 'ws://localhost:3002',
    voiceProxyUrl: env.VOICE_PROXY_PUBLIC_URL || null,
    gatewayUrl: env.WEBHOOK_GATEWAY_PUBLIC_URL || null,
    demoUsers: env.SEED_DEMO_USERS === 'true',
  };
}

export function listenAddressFromEnv(env) {
  return { port: Number(env.WEB_PORT || 3000), host: env.WEB_HOST || '0.0.0.0' };
}
