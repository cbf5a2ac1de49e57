import { IceServersResponse } from '@parley/protocol';

/** terminal-core's HTTP address for its WebSocket bridge URL: ws→http, wss→https, the path dropped. */
export function iceServersUrl(terminalUrl: string): string {
  const url = new URL(terminalUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1\/terminal$/, '') + '/v1/ice-servers';
  url.search = '';
  return url.toString();
}

/** Re-fetched this long before the credentials expire, so a call never starts with stale ones. */
export const ICE_SERVERS_REFRESH_MARGIN_MS = 60_000;

/**
 * The ICE servers from terminal-core (`GET /v1/ice-servers` with the user's token), cached until shortly
 * before their TURN credentials expire. A failed fetch yields undefined (the terminal falls back to its
 * configured servers) and is tried again next time.
 */
export function coreIceServers(options: {
  url: string;
  accessToken: () => string;
  fetch?: typeof fetch;
  now?: () => number;
}): () => Promise<RTCIceServer[] | undefined> {
  const now = options.now ?? Date.now;
  let cached: { servers: RTCIceServer[]; until: number } | undefined;
  let inFlight: Promise<RTCIceServer[] | undefined> | undefined;
  const load = async (): Promise<RTCIceServer[] | undefined> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    if (!doFetch) return undefined;
    try {
      const res = await doFetch(iceServersUrl(options.url), {
        headers: { authorization: `Bearer ${options.accessToken()}` },
      });
      if (!res.ok) return undefined;
      const parsed = IceServersResponse.safeParse(await res.json());
      if (!parsed.success) return undefined;
      const { iceServers, expiresAt } = parsed.data;
      const until = expiresAt ? Date.parse(expiresAt) - ICE_SERVERS_REFRESH_MARGIN_MS : Infinity;
      cached = { servers: iceServers, until };
      return iceServers;
    } catch {
      return undefined;
    }
  };
  return () => {
    if (cached && now() < cached.until) return Promise.resolve(cached.servers);
    inFlight ??= load().finally(() => (inFlight = undefined));
    return inFlight;
  };
}
