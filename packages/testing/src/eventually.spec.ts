import { describe, expect, it } from 'vitest';
import { eventually } from './eventually.js';

describe('eventually', () => {
  it('resolves with the first value that is not false, null or undefined', async () => {
    let calls = 0;
    const value = await eventually(() => (++calls >= 3 ? { calls } : undefined), 'the third call', 1000, {
      intervalMs: 1,
    });
    expect(value).toEqual({ calls: 3 });
  });

  it('accepts an async check and keeps 0 and empty strings as answers', async () => {
    expect(await eventually(async () => 0, 'zero')).toBe(0);
    expect(await eventually(async () => '', 'empty')).toBe('');
  });

  it('names what never happened and keeps the last error of the check as the cause', async () => {
    const failure = await eventually(
      () => {
        throw new Error('still 2 of 3');
      },
      'three replies',
      50,
      { intervalMs: 5 },
    ).catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('timed out after 50 ms waiting for three replies: still 2 of 3');
    expect((failure as Error).cause).toBeInstanceOf(Error);
  });
});
