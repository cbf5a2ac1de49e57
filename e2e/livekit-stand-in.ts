import { startFakeLiveKitServer } from '../apps/webhook-gateway/test/fake-providers/livekit-server.js';

export interface LiveKitStandIn {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * The suite's stand-in for a LiveKit server (the webhook gateway's own, which checks API tokens with the
 * LiveKit SDK). Playwright evaluates the config in the runner and again in every worker: the runner starts
 * it and hands its address and credentials to the workers in the environment, where the specs sign the
 * webhooks LiveKit would send.
 */
export async function liveKitStandIn(): Promise<LiveKitStandIn> {
  const {
    E2E_LIVEKIT_URL: url,
    E2E_LIVEKIT_API_KEY: apiKey,
    E2E_LIVEKIT_API_SECRET: apiSecret,
  } = process.env;
  if (url && apiKey && apiSecret) return { url, apiKey, apiSecret };
  const server = await startFakeLiveKitServer();
  process.env.E2E_LIVEKIT_URL = server.url;
  process.env.E2E_LIVEKIT_API_KEY = server.credentials.apiKey;
  process.env.E2E_LIVEKIT_API_SECRET = server.credentials.apiSecret;
  return { url: server.url, ...server.credentials };
}
