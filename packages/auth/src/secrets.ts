import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password-style hashing for client secrets (and any other secret a service must check but never
 * read back). scrypt ships with Node, so there is no native addon to build, and it is memory-hard.
 *
 * Stored format (PHC string style, so old hashes stay verifiable after the defaults change):
 *   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt base64url>$<hash base64url>
 */

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation with N = 2^15, r = 8, p = 3 (~32 MiB per hash). */
const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 3 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const SCHEME = 'scrypt';

/**
 * Upper bounds accepted when verifying, so a corrupted or hostile hash string cannot make a
 * verification burn unbounded memory or CPU.
 */
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;

/**
 * Cheap parameters for test suites and load generators that create many users; never for production.
 * Hashes record their own parameters, so verification is unaffected by which set made them.
 */
export const FAST_TEST_SCRYPT_PARAMS: ScryptParams = { ln: 10, r: 8, p: 1 };

export async function hashSecret(secret: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(secret, salt, HASH_BYTES, params);
  const { ln, r, p } = params;
  return `$${SCHEME}$ln=${ln},r=${r},p=${p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/**
 * Checks a secret against a `hashSecret` string in constant time. A malformed hash yields `false`
 * rather than an exception: for the caller it is simply a credential that does not match.
 */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const candidate = await deriveKey(secret, parsed.salt, parsed.hash.length, parsed.params);
  return timingSafeEqual(candidate, parsed.hash);
}

function parseHash(encoded: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  // Leading '$' yields an empty first field.
  const [empty, scheme, paramList, saltText, hashText, ...rest] = encoded.split('$');
  if (empty !== '' || scheme !== SCHEME || rest.length > 0) return undefined;
  if (paramList === undefined || saltText === undefined || hashText === undefined) return undefined;

  const params = parseParams(paramList);
  const salt = decodeBase64Url(saltText);
  const hash = decodeBase64Url(hashText);
  if (!params || !salt || !hash || salt.length < 8 || hash.length < 16) return undefined;
  return { params, salt, hash };
}

function parseParams(paramList: string): ScryptParams | undefined {
  const values = new Map<string, number>();
  for (const pair of paramList.split(',')) {
    const match = /^(ln|r|p)=(\d{1,3})$/.exec(pair);
    if (!match) return undefined;
    values.set(match[1]!, Number(match[2]));
  }
  const ln = values.get('ln');
  const r = values.get('r');
  const p = values.get('p');
  if (ln === undefined || r === undefined || p === undefined) return undefined;
  if (ln < 1 || ln > MAX_LN || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return undefined;
  return { ln, r, p };
}

function decodeBase64Url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  return Buffer.from(text, 'base64url');
}

function deriveKey(secret: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = {
    N,
    r: params.r,
    p: params.p,
    // scrypt needs about 128 * N * r bytes; Node's 32 MiB default would reject the recommended params.
    maxmem: 128 * N * params.r * 2,
  };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, keyLength, options, (error, derived) => {
      if (error) reject(error);
      else resolve(derived);
    });
  });
}
