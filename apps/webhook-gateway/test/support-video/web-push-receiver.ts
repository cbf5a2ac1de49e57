// A push service and a browser in one: it hands out subscriptions (a P-256 key pair and an auth secret made
// here, as a browser's PushManager would), accepts what the gateway posts to them, checks the VAPID JWT and
// decrypts the aes128gcm body (RFC 8291 keys, RFC 8188 records).
import {
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  randomBytes,
  verify,
  type ECDH,
} from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestSubscription {
  /** The body of `POST /v1/push/subscriptions`, as the browser's PushSubscription.toJSON(). */
  json: { endpoint: string; keys: { p256dh: string; auth: string } };
  ecdh: ECDH;
  auth: Buffer;
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

export interface ReceivedPush {
  endpoint: string;
  headers: IncomingMessage['headers'];
  /** The `k=` of the Authorization header: the application server's public key. */
  vapidPublicKey: string;
  /** The JWT's claims, after its ES256 signature was checked against `vapidPublicKey`. */
  claims: VapidClaims;
  /** The decrypted body. */
  plaintext: string;
}

const b64u = (b: Buffer) => b.toString('base64url');

function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 8291 §3.4 + RFC 8188 §2: one record (what Web Push sends), padding delimiter 0x02. */
export function decryptAes128gcm(body: Buffer, subscriber: { ecdh: ECDH; auth: Buffer }): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`keyid must be the sender's 65-byte public key, got ${idLength} bytes`);
  if (ciphertext.length > recordSize) throw new Error('more than one record');

  const ecdhSecret = subscriber.ecdh.computeSecret(senderPublic);
  const receiverPublic = subscriber.ecdh.getPublicKey();
  const prkKey = hmac(subscriber.auth, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublic, senderPublic, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);

  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('the last record does not end with the 0x02 delimiter');
  return padded.subarray(0, end).toString('utf8');
}

/** Checks `vapid t=<jwt>, k=<key>` (RFC 8292): an ES256 JWT signed by the key it names. */
export function verifyVapidAuthorization(header: string | undefined): { publicKey: string; claims: VapidClaims } {
  const match = /^vapid t=([A-Za-z0-9_.-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`not a VAPID Authorization header: ${header}`);
  const [, jwt, publicKey] = match as unknown as [string, string, string];
  const [headerPart, payloadPart, signaturePart] = jwt.split('.') as [string, string, string];
  const jwtHeader = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { alg: string };
  if (jwtHeader.alg !== 'ES256') throw new Error(`VAPID JWT alg ${jwtHeader.alg}`);
  const raw = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!signed) throw new Error('the VAPID JWT signature does not verify with k');
  const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as VapidClaims;
  return { publicKey, claims };
}

export class WebPushReceiver {
  readonly received: ReceivedPush[] = [];
  /** Requests the receiver could not check or decrypt: a test asserts this stays empty. */
  readonly rejected: string[] = [];
  /** Status answered per endpoint path (default 201). */
  private readonly statusByPath = new Map<string, number>();
  /** Requests per endpoint path, whatever was answered. */
  private readonly hitsByPath = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly subscribers: Map<string, TestSubscription>,
  ) {}

  static async start(): Promise<WebPushReceiver> {
    const subscribers = new Map<string, TestSubscription>();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new WebPushReceiver(server, `http://127.0.0.1:${port}`, subscribers);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        receiver.hitsByPath.set(path, (receiver.hitsByPath.get(path) ?? 0) + 1);
        const status = receiver.statusByPath.get(path) ?? 201;
        if (status === 201) {
          try {
            const subscription = subscribers.get(path);
            if (!subscription) throw new Error(`no subscription at ${path}`);
            if (req.headers['content-encoding'] !== 'aes128gcm')
              throw new Error(`content-encoding ${req.headers['content-encoding']}`);
            const { publicKey, claims } = verifyVapidAuthorization(req.headers.authorization);
            receiver.received.push({
              endpoint: subscription.json.endpoint,
              headers: req.headers,
              vapidPublicKey: publicKey,
              claims,
              plaintext: decryptAes128gcm(Buffer.concat(chunks), subscription),
            });
          } catch (err) {
            receiver.rejected.push((err as Error).message);
            res.writeHead(400).end();
            return;
          }
        }
        res.writeHead(status).end();
      });
    });
    return receiver;
  }

  /** A new browser subscription at this push service. */
  subscribe(): TestSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const path = `/push/${randomBytes(8).toString('hex')}`;
    const subscription: TestSubscription = {
      json: {
        endpoint: `${this.origin}${path}`,
        keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
      },
      ecdh,
      auth,
    };
    this.subscribers.set(path, subscription);
    return subscription;
  }

  /** From now on the push service answers `status` for this subscription (410: unsubscribed). */
  answer(subscription: TestSubscription, status: number): void {
    this.statusByPath.set(new URL(subscription.json.endpoint).pathname, status);
  }

  /** Requests the push service got for this subscription, whatever it answered. */
  hits(subscription: TestSubscription): number {
    return this.hitsByPath.get(new URL(subscription.json.endpoint).pathname) ?? 0;
  }

  receivedBy(subscription: TestSubscription): ReceivedPush[] {
    return this.received.filter((p) => p.endpoint === subscription.json.endpoint);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
