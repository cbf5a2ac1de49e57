import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import type { OutboundTargets } from './internal-targets.js';

/** The `code` of a connection refused because its target is internal. */
export const OUTBOUND_REFUSED = 'ERR_OUTBOUND_INTERNAL_TARGET';

export class OutboundTargetRefusedError extends Error {
  readonly code = OUTBOUND_REFUSED;
}

export type OutboundFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * `fetch` for calls to URLs that clients registered. Each connection is checked after its name resolves
 * and before it is made, so a name that resolves to an internal address is refused however it was
 * registered (DNS rebinding included), and so is a redirect to one.
 * Keep-alive connections are pooled per origin, as Node's own fetch does.
 */
export function createOutboundFetch(targets: OutboundTargets): OutboundFetch {
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = addresses.filter((a) => !targets.refusal(a.address, hostname));
      if (allowed.length === 0) {
        const reason = targets.refusal(addresses[0]?.address ?? '0.0.0.0', hostname);
        return callback(new OutboundTargetRefusedError(`refused: ${reason}`), '', 0);
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  const connectNamed = buildConnector({ lookup: guardedLookup });
  // An address (in the URL or a redirect's Location) is connected to without a lookup: judged here.
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    const reason = isIP(host) ? targets.refusal(host) : undefined;
    if (reason) return callback(new OutboundTargetRefusedError(`refused: ${reason}`), null);
    connectNamed(options, callback);
  };
  const dispatcher = new Agent({ connect });
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}
