/** Where the messaging API and the terminal core live. Served by server.mjs as /config.json; `vite dev` has none. */
export interface WebConfig {
  messagingUrl: string;
  /** terminal-core's WebSocket bridge (calls), e.g. ws://localhost:3002 */
  terminalUrl: string;
  /** The voice proxy's REST API (support calls), e.g. http://localhost:3003; null hides Support. */
  voiceProxyUrl: string | null;
  /** The webhook gateway (provider calls, video invites, push), e.g. http://localhost:3004; null hides them. */
  gatewayUrl: string | null;
  /** Whether the server has the demo users (messaging's SEED_DEMO_USERS); the log-in page offers them only then. */
  demoUsers: boolean;
}

export const DEFAULT_MESSAGING_URL = 'http://localhost:3001';
export const DEFAULT_TERMINAL_URL = 'ws://localhost:3002';
const CACHE_KEY = 'parley.config';

function terminalUrlOf(body: { terminalUrl?: unknown }): string {
  return typeof body.terminalUrl === 'string' && body.terminalUrl
    ? body.terminalUrl.replace(/\/+$/, '')
    : DEFAULT_TERMINAL_URL;
}

/** A deployment without a voice proxy has no support line, so nothing offers to call it. */
function voiceProxyUrlOf(body: { voiceProxyUrl?: unknown }): string | null {
  return optionalUrl(body.voiceProxyUrl);
}

/** A deployment without the webhook gateway has no provider calls, video invites or push. */
function gatewayUrlOf(body: { gatewayUrl?: unknown }): string | null {
  return optionalUrl(body.gatewayUrl);
}

/**
 * Only an explicit `false` hides the demo users: a config from before the field existed, or none at all
 * (`vite dev` against `npm start`, which seeds them), keeps offering them.
 */
function demoUsersOf(body: { demoUsers?: unknown }): boolean {
  return body.demoUsers !== false;
}

function optionalUrl(value: unknown): string | null {
  return typeof value === 'string' && value ? value.replace(/\/+$/, '') : null;
}

/**
 * Fetches /config.json. Offline (or in `vite dev`) it falls back to the last config seen, then to
 * http://localhost:3001 and ws://localhost:3002, so a reload without network still opens the app from its cache.
 */
export async function loadConfig(): Promise<WebConfig> {
  try {
    const res = await fetch('/config.json', { cache: 'no-store', headers: { accept: 'application/json' } });
    if (res.ok && (res.headers.get('content-type') ?? '').includes('json')) {
      const body = (await res.json()) as Partial<WebConfig>;
      if (typeof body.messagingUrl === 'string' && body.messagingUrl) {
        const config = {
          messagingUrl: body.messagingUrl.replace(/\/+$/, ''),
          terminalUrl: terminalUrlOf(body),
          voiceProxyUrl: voiceProxyUrlOf(body),
          gatewayUrl: gatewayUrlOf(body),
          demoUsers: demoUsersOf(body),
        };
        try {
          localStorage.setItem(CACHE_KEY, JSON.stringify(config));
        } catch {
          // Storage full or disabled: nothing to remember then.
        }
        return config;
      }
    }
  } catch {
    // No config server or offline: fall through.
  }
  try {
    const cached = JSON.parse(localStorage.getItem(CACHE_KEY) ?? 'null') as Partial<WebConfig> | null;
    if (cached && typeof cached.messagingUrl === 'string')
      return {
        messagingUrl: cached.messagingUrl,
        terminalUrl: terminalUrlOf(cached),
        voiceProxyUrl: voiceProxyUrlOf(cached),
        gatewayUrl: gatewayUrlOf(cached),
        demoUsers: demoUsersOf(cached),
      };
  } catch {
    // Unreadable cache: ignore it.
  }
  return {
    messagingUrl: DEFAULT_MESSAGING_URL,
    terminalUrl: DEFAULT_TERMINAL_URL,
    voiceProxyUrl: null,
    gatewayUrl: null,
    demoUsers: true,
  };
}
