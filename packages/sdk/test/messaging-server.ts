import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropSchema, openDatabase } from '@parley/db';
import type { AuthSession } from '@parley/protocol';
import { Messenger } from '../src/index.js';

const mainJs = fileURLToPath(new URL('../../../apps/messaging/dist/main.js', import.meta.url));
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The real messaging service in a child process, on its own schema and Redis prefix. */
/** Stops a service started by a test and waits until it has exited. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export class MessagingServer {
  private child: ChildProcess | undefined;
  readonly schema = `t_sdk_${randomBytes(4).toString('hex')}`;
  baseUrl = '';

  async start(env: Record<string, string> = {}): Promise<void> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, [mainJs], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        DB_SCHEMA: this.schema,
        REDIS_URL: redisUrl,
        REDIS_PREFIX: `ptest:${this.schema}`,
        PASSWORD_HASH_PROFILE: 'fast-test',
        JWT_KEY_FILE: join(tmpdir(), `parley-sdk-test-${this.schema}.json`),
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('messaging listening')) resolve();
      };
      this.child!.stdout!.on('data', onData);
      this.child!.stderr!.on('data', onData);
      this.child!.once('exit', (code) => reject(new Error(`messaging exited ${code}: ${out.slice(-1500)}`)));
      setTimeout(() => reject(new Error(`messaging did not start: ${out.slice(-1500)}`)), 20_000).unref();
    });
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
    const db = await openDatabase({ url: databaseUrl, schema: this.schema });
    await dropSchema(db);
    await db.close();
  }

  async signUp(name: string): Promise<AuthSession> {
    return Messenger.signUp(this.baseUrl, {
      username: `${name}${randomBytes(3).toString('hex')}`,
      password: 'correct horse battery',
      displayName: name,
    });
  }
}

/** Resolves when `check` holds, polling; fails with `what` after the timeout. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
