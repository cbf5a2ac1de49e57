import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

export interface PrivatePostgresOptions {
  /** Where initdb and pg_ctl are; the newest /usr/lib/postgresql/<version>/bin by default. */
  binDir?: string;
  /** The OS user the cluster runs as when this process is root (initdb refuses root); `postgres` by default. */
  osUser?: string;
  /** How long pg_ctl may wait for a start or a stop. */
  timeoutSeconds?: number;
}

export interface PrivatePostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string;
  readonly dataDir: string;
  readonly running: boolean;
  /** Starts the cluster again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** A clean shutdown (`pg_ctl stop -m fast`): sessions are ended, in-flight transactions roll back. */
  stop(): Promise<void>;
  /** A crash (`pg_ctl stop -m immediate`): every process quits at once; the next start runs recovery. */
  kill(): Promise<void>;
  /** Stops it (if running) and removes its directory. Idempotent. */
  cleanup(): Promise<void>;
  /** The end of the server's log, for error messages. */
  recentLog(): string;
}

/** Data directories of clusters this process started and has not stopped. */
const runningClusters = new Map<string, string[]>();
process.once('exit', () => {
  for (const [dataDir, command] of runningClusters)
    spawnSync(command[0]!, [...command.slice(1), '-D', dataDir, '-m', 'immediate', '-w', 'stop'], {
      stdio: 'ignore',
    });
});

function newestBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, versions[0]!, 'bin');
}

/**
 * A PostgreSQL cluster of a test's own (initdb into a temporary directory, a free port, trust auth), that
 * the test may stop, crash and start again: the machine's PostgreSQL is shared by every suite running at
 * the same time and must never be restarted.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const binDir = options.binDir ?? newestBinDir();
  const timeout = String(options.timeoutSeconds ?? 60);
  const asRoot = process.getuid?.() === 0;
  const osUser = options.osUser ?? 'postgres';
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asRoot) {
    const { uid, gid } = userInfoOf(osUser);
    chownSync(dir, uid, gid);
  }
  // As root, every server command runs as the cluster's owner.
  const as = (bin: string): string[] => (asRoot ? ['runuser', '-u', osUser, '--', bin] : [bin]);
  const exec = async (command: string[]): Promise<void> => {
    try {
      await run(command[0]!, command.slice(1), { timeout: (Number(timeout) + 10) * 1000 });
    } catch (err) {
      const e = err as Error & { stderr?: string; stdout?: string };
      throw new Error(`${command.join(' ')} failed: ${e.stderr || e.stdout || e.message}\n${recentLog()}`, {
        cause: err,
      });
    }
  };
  const pgCtl = as(join(binDir, 'pg_ctl'));
  const port = await freePort();
  let running = false;

  function recentLog(): string {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '';
    }
  }

  await exec([
    ...as(join(binDir, 'initdb')),
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);

  async function start(): Promise<void> {
    if (running) throw new Error(`private PostgreSQL on ${port} is already running`);
    // A socket in the cluster's own directory: the machine's /var/run/postgresql belongs to the shared server.
    const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=100`;
    await exec([...pgCtl, '-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', timeout, 'start']);
    running = true;
    runningClusters.set(dataDir, pgCtl);
  }

  async function shutDown(mode: 'fast' | 'immediate'): Promise<void> {
    if (!running) return;
    await exec([...pgCtl, '-D', dataDir, '-m', mode, '-w', '-t', timeout, 'stop']);
    running = false;
    runningClusters.delete(dataDir);
  }

  let cleaned: Promise<void> | undefined;
  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    get running() {
      return running;
    },
    start,
    stop: () => shutDown('fast'),
    kill: () => shutDown('immediate'),
    cleanup: () =>
      (cleaned ??= shutDown('immediate').finally(() => rmSync(dir, { recursive: true, force: true }))),
    recentLog,
  };
}

function userInfoOf(name: string): { uid: number; gid: number } {
  if (userInfo().username === name) return { uid: userInfo().uid, gid: userInfo().gid };
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no OS user ${name} to run a private PostgreSQL as (initdb refuses root)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
