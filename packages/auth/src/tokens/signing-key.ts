import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';

/**
 * JWS algorithms this package signs with and therefore the only ones verifiers accept. Pinning the
 * list is what rejects `alg: none` and algorithm-confusion tokens (e.g. HS256 keyed with a public key).
 */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** The issuer's key: private half for signing, public half as published in the JWKS. */
export interface SigningKey {
  alg: SigningAlgorithm;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** A fresh ES256 (P-256) key pair; extractable so a dev server can persist it via `exportPrivateJwk`. */
export async function generateSigningKey(): Promise<SigningKey> {
  const alg: SigningAlgorithm = 'ES256';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicMembers = pickPublicMembers(await exportJWK(publicKey));
  const kid = await calculateJwkThumbprint(publicMembers);
  return { alg, kid, privateKey, publicJwk: describePublicJwk(publicMembers, alg, kid) };
}

/**
 * Loads a configured private JWK: EC P-256 (signs ES256) or OKP Ed25519 (signs EdDSA). Without a
 * `kid` the RFC 7638 thumbprint is used, which is stable across restarts for the same key.
 */
export async function importSigningKey(privateJwk: JWK): Promise<SigningKey> {
  const alg = algorithmFor(privateJwk);
  if (typeof privateJwk.d !== 'string' || privateJwk.d.length === 0) {
    throw new TypeError('The signing JWK must be a private key (it has no "d" member)');
  }
  if (privateJwk.alg !== undefined && privateJwk.alg !== alg) {
    throw new TypeError(
      `The signing JWK declares alg ${privateJwk.alg} but a ${describeCurve(privateJwk)} key signs ${alg}`,
    );
  }
  const privateKey = await importJWK({ ...privateJwk, alg }, alg, { extractable: true });
  // importJWK only returns bytes for symmetric "oct" keys, which algorithmFor has already refused.
  if (privateKey instanceof Uint8Array) throw new TypeError('The signing JWK must be an asymmetric key');
  const publicMembers = pickPublicMembers(privateJwk);
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicMembers));
  return { alg, kid, privateKey, publicJwk: describePublicJwk(publicMembers, alg, kid) };
}

/** The private key as a JWK carrying the same kid/alg, so it can be fed back into `importSigningKey`. */
export async function exportSigningKey(key: SigningKey): Promise<JWK> {
  const jwk = await exportJWK(key.privateKey);
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' };
}

function algorithmFor(jwk: JWK): SigningAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new TypeError(`Unsupported signing key ${describeCurve(jwk)}: expected EC P-256 or OKP Ed25519`);
}

function describeCurve(jwk: JWK): string {
  return `${jwk.kty ?? '?'}/${jwk.crv ?? '?'}`;
}

/**
 * Copies only the public members (an allow-list, not a deny-list of `d`, `p`, `q`...), so no
 * private material can reach the published JWKS whatever the input key carried.
 */
function pickPublicMembers(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  if (typeof x !== 'string') throw new TypeError('The signing JWK has no public "x" member');
  return kty === 'EC' ? { kty, crv, x, y } : { kty, crv, x };
}

function describePublicJwk(publicMembers: JWK, alg: SigningAlgorithm, kid: string): JWK {
  return { ...publicMembers, kid, alg, use: 'sig' };
}
