import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundTargets, parseAllowedInternal } from './internal-targets.js';
import { createOutboundFetch, OUTBOUND_REFUSED } from './outbound-fetch.js';

describe('OutboundTargets', () => {
  const none = new OutboundTargets();

  it('lets public addresses through and refuses every internal range, naming it', () => {
    for (const address of ['93.184.216.34', '2606:2800:220:1::1'])
      expect(none.refusal(address)).toBeUndefined();
    const refused: Array<[string, RegExp]> = [
      ['127.0.0.1', /loopback/],
      ['10.1.2.3', /private/],
      ['192.168.0.10', /private/],
      ['172.16.5.5', /private/],
      ['169.254.169.254', /linkLocal/],
      ['100.64.0.1', /carrierGradeNat/],
      ['0.0.0.0', /unspecified/],
      ['::1', /loopback/],
      ['fd00::1', /uniqueLocal/],
      ['fe80::1', /linkLocal/],
      // IPv4 written as IPv6 is the IPv4 address it carries.
      ['::ffff:10.0.0.1', /private/],
      ['::ffff:127.0.0.1', /loopback/],
    ];
    for (const [address, range] of refused) {
      expect(none.refusal(address), address).toMatch(range);
      expect(none.refusal(address)).toMatch(/OUTBOUND_ALLOWED_INTERNAL/);
    }
  });

  it('allows the internal ranges, addresses and names it lists, and only those', () => {
    const some = new OutboundTargets(['10.0.0.0/8', '::1', 'hooks.internal']);
    expect(some.refusal('10.200.1.1')).toBeUndefined();
    expect(some.refusal('::1')).toBeUndefined();
    expect(some.refusal('::ffff:10.0.0.1')).toBeUndefined();
    expect(some.refusal('192.168.1.1', 'hooks.internal')).toBeUndefined();
    expect(some.refusal('192.168.1.1', 'other.internal')).toMatch(
      /other\.internal \(192\.168\.1\.1\) is a private/,
    );
    expect(some.refusal('127.0.0.1')).toMatch(/loopback/);
  });

  it('refuses from the URL alone what it can: written addresses and localhost', () => {
    expect(none.urlRefusal('http://127.0.0.1:8080/hook')).toMatch(/loopback/);
    expect(none.urlRefusal('http://[::1]/hook')).toMatch(/loopback/);
    expect(none.urlRefusal('https://LOCALHOST/hook')).toMatch(/localhost \(127\.0\.0\.1\)/);
    expect(none.urlRefusal('https://api.localhost/hook')).toMatch(/loopback/);
    expect(none.urlRefusal('https://hooks.example.com/hook')).toBeUndefined();
    expect(new OutboundTargets(['127.0.0.1']).urlRefusal('http://127.0.0.1:8080/')).toBeUndefined();
  });

  it('reads OUTBOUND_ALLOWED_INTERNAL and refuses an entry that is none of range, address or name', () => {
    expect(parseAllowedInternal(' 10.0.0.0/8, ::1 ,hooks.internal,')).toEqual([
      '10.0.0.0/8',
      '::1',
      'hooks.internal',
    ]);
    expect(parseAllowedInternal('')).toEqual([]);
    expect(() => parseAllowedInternal('10.0.0.0/99')).toThrow(/not a CIDR range/);
    expect(() => parseAllowedInternal('bad host!')).toThrow(/not an address or a host name/);
  });
});

describe('createOutboundFetch against a server on loopback', () => {
  let server: Server;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.method} ${req.headers.host}`);
      if (req.url === '/redirect') {
        res.writeHead(307, { location: `http://127.0.0.1:${port}/hook` });
        return res.end();
      }
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  async function failure(fetcher: ReturnType<typeof createOutboundFetch>, url: string) {
    const err = await fetcher(url, { method: 'POST', body: 'x' }).then(
      () => undefined,
      (e: unknown) => e as { cause?: { code?: string; message?: string } },
    );
    return err?.cause;
  }

  it('refuses an internal target by address and by name, before anything is sent', async () => {
    const guarded = createOutboundFetch(new OutboundTargets());
    const before = received.length;
    expect(await failure(guarded, `http://127.0.0.1:${port}/hook`)).toMatchObject({
      code: OUTBOUND_REFUSED,
      message: expect.stringMatching(/127\.0\.0\.1 is a loopback address/),
    });
    // A name is judged by what it resolves to, when the connection is made.
    expect(await failure(guarded, `http://localhost:${port}/hook`)).toMatchObject({
      code: OUTBOUND_REFUSED,
      message: expect.stringMatching(/localhost \(127\.0\.0\.1\) is a loopback address/),
    });
    expect(received.length).toBe(before);
  });

  it('reaches the internal targets it is told to allow', async () => {
    const byAddress = createOutboundFetch(new OutboundTargets(['127.0.0.0/8']));
    const res = await byAddress(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: 'x' });
    expect(await res.text()).toBe('ok');
    const byName = createOutboundFetch(new OutboundTargets(['localhost']));
    expect((await byName(`http://localhost:${port}/hook`, { method: 'POST', body: 'y' })).status).toBe(200);
    expect(received.slice(-2)).toEqual([`POST 127.0.0.1:${port}`, `POST localhost:${port}`]);
  });

  it('refuses a redirect to an internal address it may not reach', async () => {
    const byName = createOutboundFetch(new OutboundTargets(['localhost']));
    const before = received.length;
    expect(await failure(byName, `http://localhost:${port}/redirect`)).toMatchObject({
      code: OUTBOUND_REFUSED,
      message: expect.stringMatching(/127\.0\.0\.1 is a loopback address/),
    });
    // The first hop was allowed and answered; the redirect was never followed.
    expect(received.slice(before)).toEqual([`POST localhost:${port}`]);
  });
});
