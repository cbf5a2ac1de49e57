import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JWK } from 'jose';
import { TokenIssuer } from '@parley/auth';
import type { MessagingConfig } from '../config/config.js';
import { ConfigError } from '../config/config.js';

/**
 * The issuer's key comes from JWT_PRIVATE_JWK in production. A developer's first start generates one and
 * keeps it in a file outside the repository so tokens survive restarts.
 */
export async function loadTokenIssuer(tokens: MessagingConfig['tokens']): Promise<TokenIssuer> {
  const base = {
    issuer: tokens.issuer,
    audience: tokens.audience,
    accessTokenTtlSeconds: tokens.accessTokenTtlSeconds,
  };
  if (tokens.privateJwk) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(tokens.privateJwk) as JWK;
    } catch {
      throw new ConfigError('Invalid messaging configuration:\n  JWT_PRIVATE_JWK: not valid JSON');
    }
    return TokenIssuer.create({ ...base, privateJwk: jwk });
  }
  try {
    const stored = JSON.parse(await readFile(tokens.keyFile, 'utf8')) as JWK;
    return await TokenIssuer.create({ ...base, privateJwk: stored });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const issuer = await TokenIssuer.create(base);
  await mkdir(dirname(tokens.keyFile), { recursive: true });
  await writeFile(tokens.keyFile, JSON.stringify(await issuer.exportPrivateJwk()), { mode: 0o600 });
  return issuer;
}
