import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { derivedUuid, signalIdOf } from './derived-ids.js';

describe('derived ids', () => {
  it('the same call and effect give the same UUID, another effect another one', () => {
    const call = '66666666-6666-4666-8666-666666666666';
    expect(signalIdOf(call, 3)).toBe(signalIdOf(call, 3));
    expect(signalIdOf(call, 3)).not.toBe(signalIdOf(call, 4));
    expect(z.uuid().safeParse(signalIdOf(call, 3)).success).toBe(true);
    expect(z.uuid().safeParse(derivedUuid('x')).success).toBe(true);
  });
});
