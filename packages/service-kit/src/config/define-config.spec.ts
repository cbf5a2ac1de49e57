import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, defineConfig, jsonVariable, section } from './define-config.js';
import { httpSection, processSection, redisSection } from './sections.js';

const config = defineConfig('demo', {
  http: httpSection({ port: 3100 }),
  redis: redisSection(),
  process: processSection(),
  demo: section(
    {
      RING_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
      CLIENTS: jsonVariable(z.array(z.strictObject({ id: z.string() }))).optional(),
    },
    (e) => ({ ringTimeoutMs: e.RING_TIMEOUT_MS, clients: e.CLIENTS ?? [] }),
  ),
});

describe('defineConfig', () => {
  it('parses the environment once into a nested config whose type comes from the schema', () => {
    const c = config.load({
      PORT: '4000',
      CORS_ORIGINS: 'https://a.example/, https://b.example',
      CLIENTS: '[{"id":"x"}]',
    });
    expect(c.http).toEqual({
      port: 4000,
      host: '0.0.0.0',
      corsOrigins: ['https://a.example', 'https://b.example'],
      bodyLimitBytes: 262144,
    });
    expect(c.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'parley' });
    expect(c.demo).toEqual({ ringTimeoutMs: 60_000, clients: [{ id: 'x' }] });
    expectTypeOf(c.demo.ringTimeoutMs).toEqualTypeOf<number>();
    expectTypeOf(c.http.corsOrigins).toEqualTypeOf<'*' | string[]>();
    expectTypeOf(c.process.nodeId).toEqualTypeOf<string | undefined>();
  });

  it('treats empty variables as unset', () => {
    expect(config.load({ PORT: '', LOG_LEVEL: '' }).http.port).toBe(3100);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      config.load({
        PORT: 'eighty',
        REDIS_URL: 'http://x',
        CORS_ORIGINS: 'ftp://x',
        CLIENTS: '{not json',
        LOG_LEVEL: 'loud',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid demo configuration:/);
    for (const name of ['PORT', 'REDIS_URL', 'CORS_ORIGINS', 'CLIENTS', 'LOG_LEVEL'])
      expect(message).toContain(`  ${name}:`);
    expect(message).toContain('CLIENTS: not valid JSON');
  });

  it('lists the variables it reads', () => {
    expect(config.variables()).toEqual(
      expect.arrayContaining([
        'PORT',
        'HOST',
        'REDIS_URL',
        'REDIS_PREFIX',
        'LOG_LEVEL',
        'NODE_ID',
        'RING_TIMEOUT_MS',
        'CLIENTS',
      ]),
    );
  });
});
