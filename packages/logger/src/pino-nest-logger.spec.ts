import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PinoNestLogger } from './pino-nest-logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ level: 'trace' }, stream) };
}

describe('PinoNestLogger', () => {
  it('writes Nest messages as JSON lines with their context', async () => {
    const { lines, logger } = capture();
    new PinoNestLogger(logger).log('Mapped {/v1/me, GET} route', 'RouterExplorer');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'Mapped {/v1/me, GET} route',
      context: 'RouterExplorer',
    });
  });

  it('keeps the stack of Nest error logs', async () => {
    const { lines, logger } = capture();
    new PinoNestLogger(logger).error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'boom',
      context: 'ExceptionsHandler',
      stack: 'Error: boom\n    at x',
    });
  });
});
