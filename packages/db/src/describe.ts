import type { OpenDatabaseOptions } from './types.js';

const DEFAULT_PORT = '5432';

/** "postgres host:port/database", never including credentials. */
function describePostgres(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'postgres (unparseable url)';
  }
  // Unix-socket URLs carry the socket directory in ?host= instead of the authority.
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  const port = parsed.port || parsed.searchParams.get('port') || DEFAULT_PORT;
  const database =
    decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username);
  return `postgres ${host}:${port}/${database}`;
}

function describePglite(pgliteDir: string | undefined): string {
  return pgliteDir === undefined || pgliteDir === 'memory://' ? 'PGlite in-memory' : `PGlite ${pgliteDir}`;
}

/** A one-line, password-free description of where openDatabase(opts) will connect, for startup logs. */
export function describeDatabase(opts: OpenDatabaseOptions): string {
  const target = opts.url ? describePostgres(opts.url) : describePglite(opts.pgliteDir);
  return `${target} (schema ${opts.schema})`;
}
