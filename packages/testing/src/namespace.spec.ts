import { existsSync, writeFileSync } from 'node:fs';
import { openDatabase } from '@parley/db';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testRedisUrl } from './environment.js';
import { allocateTestNamespace } from './namespace.js';

const redis = new Redis(testRedisUrl);
afterAll(() => redis.disconnect());

async function schemaExists(schema: string): Promise<boolean> {
  const db = await openDatabase({ url: testDatabaseUrl, schema: 'public' });
  try {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1',
      [schema],
    );
    return rows[0]!.n === 1;
  } finally {
    await db.close();
  }
}

describe('test namespaces', () => {
  it('gives each allocation its own schema, prefix and directory', () => {
    const [a, b] = [allocateTestNamespace('same'), allocateTestNamespace('same')];
    expect(a.schema).not.toBe(b.schema);
    expect(a.redisPrefix).toBe(`ptest:${a.schema}`);
    expect(a.dir).not.toBe(b.dir);
    return Promise.all([a.cleanup(), b.cleanup()]);
  });

  it('keeps the random part of a long or odd label and yields a valid schema name', async () => {
    const ns = allocateTestNamespace('A very-long label, '.repeat(10));
    expect(ns.schema).toMatch(/^t_[a-z0-9_]+_[0-9a-f]{8}$/);
    expect(ns.schema.length).toBeLessThanOrEqual(63);
    await ns.cleanup();
  });

  it('cleanup drops the schema, deletes only its own Redis keys and removes its files', async () => {
    const ns = allocateTestNamespace('cleanup', { databaseUrl: testDatabaseUrl });
    const neighbour = allocateTestNamespace('cleanup', { databaseUrl: testDatabaseUrl });
    const db = await openDatabase({ url: testDatabaseUrl, schema: ns.schema });
    await db.query('CREATE TABLE things (id int)');
    await db.close();
    await redis.set(`${ns.redisPrefix}:a`, '1');
    await redis.set(`${ns.redisPrefix}:b:c`, '1');
    await redis.set(`${neighbour.redisPrefix}:a`, '1');
    const keyFile = ns.tempFile('signing-key.json');
    writeFileSync(keyFile, '{}');

    await ns.cleanup();
    await ns.cleanup(); // a second call is harmless

    expect(await schemaExists(ns.schema)).toBe(false);
    expect(await redis.exists(`${ns.redisPrefix}:a`, `${ns.redisPrefix}:b:c`)).toBe(0);
    expect(await redis.exists(`${neighbour.redisPrefix}:a`)).toBe(1);
    expect(existsSync(keyFile)).toBe(false);
    await neighbour.cleanup();
    expect(await redis.exists(`${neighbour.redisPrefix}:a`)).toBe(0);
  });

  it('removes the directory of a namespace never cleaned up when the process exits', async () => {
    const { execFileSync } = await import('node:child_process');
    // The built package (the test task builds first), as the services' test suites load it.
    const script = `import { allocateTestNamespace } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
const ns = allocateTestNamespace('abandoned');
(await import('node:fs')).writeFileSync(ns.tempFile('signing-key.json'), '{}');
console.log(ns.dir);`;
    const dir = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    }).trim();
    expect(dir).toContain('parley-t_abandoned_');
    expect(existsSync(dir)).toBe(false);
  });
});
