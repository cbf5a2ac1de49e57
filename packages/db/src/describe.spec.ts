import { describe, expect, it } from 'vitest';
import { describeDatabase } from './index.js';

describe('describeDatabase', () => {
  it('describes a postgres url without credentials', () => {
    const text = describeDatabase({ url: 'postgres://svc:s3cret@127.0.0.1:5432/test', schema: 'messaging' });
    expect(text).toBe('postgres 127.0.0.1:5432/test (schema messaging)');
    expect(text).not.toContain('s3cret');
  });

  it('fills in the default port and unix-socket host', () => {
    expect(describeDatabase({ url: 'postgresql://db.internal/parley', schema: 'voice' })).toBe(
      'postgres db.internal:5432/parley (schema voice)',
    );
    expect(describeDatabase({ url: 'postgres:///parley?host=/var/run/postgresql', schema: 'voice' })).toBe(
      'postgres /var/run/postgresql:5432/parley (schema voice)',
    );
  });

  it('never echoes an unparseable url, which may contain a password', () => {
    const text = describeDatabase({ url: 'not a url with hunter2', schema: 'voice' });
    expect(text).toBe('postgres (unparseable url) (schema voice)');
  });

  it('describes PGlite on disk and in memory', () => {
    expect(describeDatabase({ pgliteDir: './data/messaging', schema: 'messaging' })).toBe(
      'PGlite ./data/messaging (schema messaging)',
    );
    expect(describeDatabase({ schema: 'messaging' })).toBe('PGlite in-memory (schema messaging)');
    expect(describeDatabase({ pgliteDir: 'memory://', schema: 'messaging' })).toBe(
      'PGlite in-memory (schema messaging)',
    );
  });
});
