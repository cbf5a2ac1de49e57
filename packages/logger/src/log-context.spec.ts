import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { currentRequestId, runWithLogContext } from './log-context.js';

describe('log context', () => {
  it('puts the request id on every line written inside, across awaits, and nowhere else', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = createLogger({ service: 'test', level: 'info', destination });
    await runWithLogContext({ requestId: 'r-1' }, async () => {
      logger.info('before');
      await new Promise((r) => setTimeout(r, 1));
      logger.child({ module: 'deep' }).info('after');
      expect(currentRequestId()).toBe('r-1');
    });
    logger.info('outside');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ['before', 'r-1'],
      ['after', 'r-1'],
      ['outside', undefined],
    ]);
    expect(currentRequestId()).toBeUndefined();
  });
});
