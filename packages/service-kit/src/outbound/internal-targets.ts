import ipaddr from 'ipaddr.js';

/**
 * Which addresses outgoing calls (webhooks, pre-send hooks) may reach. A URL someone registers must not
 * turn the service into a proxy into its own network: loopback, private, link-local (the cloud metadata
 * service at 169.254.169.254) and every other non-public range are refused, unless the operator lists
 * them in OUTBOUND_ALLOWED_INTERNAL: CIDR ranges, single addresses or host names.
 */
export class OutboundTargets {
  private readonly ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  private readonly hosts = new Set<string>();

  /** `allowedInternal`: entries such as `10.0.0.0/8`, `127.0.0.1`, `::1`, `hooks.internal`. */
  constructor(allowedInternal: readonly string[] = []) {
    for (const raw of allowedInternal) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      if (entry.includes('/')) this.ranges.push(ipaddr.parseCIDR(entry));
      else if (ipaddr.isValid(entry)) {
        const address = ipaddr.parse(entry);
        this.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else this.hosts.add(entry);
    }
  }

  /** Why `address` (reached for `hostname`) is refused, or undefined when it may be reached. */
  refusal(address: string, hostname = address): string | undefined {
    // IPv4 written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
    const ip = ipaddr.process(address);
    const range = ip.range();
    if (range === 'unicast') return undefined;
    if (this.hosts.has(hostname.toLowerCase())) return undefined;
    if (this.ranges.some(([base, bits]) => base.kind() === ip.kind() && ip.match(base, bits)))
      return undefined;
    const where = hostname === address ? address : `${hostname} (${address})`;
    return `${where} is a ${range} address; list it in OUTBOUND_ALLOWED_INTERNAL to allow it`;
  }

  /**
   * Why a URL is refused before anything is sent, when that can be told from the URL alone: an address
   * written in it, or `localhost`. Names are judged again by what they resolve to, at each connection.
   */
  urlRefusal(url: string): string | undefined {
    const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(hostname)) return this.refusal(hostname);
    const name = hostname.toLowerCase();
    if (name === 'localhost' || name.endsWith('.localhost')) return this.refusal('127.0.0.1', name);
    return undefined;
  }
}

/** Parses OUTBOUND_ALLOWED_INTERNAL's entries; an entry that is not a range, address or name is refused. */
export function parseAllowedInternal(value: string): string[] {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (entry.includes('/')) {
      if (!ipaddr.isValidCIDR(entry)) throw new Error(`${entry} is not a CIDR range`);
    } else if (!ipaddr.isValid(entry) && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(entry))
      throw new Error(`${entry} is not an address or a host name`);
  }
  return entries;
}
