import { describe, expect, it } from 'vitest';
import { Lifecycle } from './lifecycle.js';

describe('Lifecycle', () => {
  it('closes phase by phase, whatever the order of registration, and only once', async () => {
    const lifecycle = new Lifecycle();
    const order: string[] = [];
    const step =
      (name: string, ms = 0) =>
      () =>
        new Promise<void>((r) => setTimeout(() => (order.push(name), r()), ms));
    lifecycle.onClose('close-storage', 'database', step('database'));
    lifecycle.onClose('close-clients', 'redis', step('redis'));
    lifecycle.onClose('end-streams', 'sockets', step('sockets', 20));
    lifecycle.onClose('stop-accepting', 'listener', step('listener'));
    lifecycle.onClose('finish-jobs', 'workers', step('workers'));
    const [a, b] = await Promise.all([lifecycle.close(1000), lifecycle.close(1000)]);
    expect(order).toEqual(['listener', 'sockets', 'workers', 'redis', 'database']);
    expect(a).toBe(b);
    expect(a).toMatchObject({ completed: true, failed: [] });
  });

  it('goes on after a step that throws and reports it', async () => {
    const lifecycle = new Lifecycle();
    let storageClosed = false;
    lifecycle.onClose('close-clients', 'bus', () => Promise.reject(new Error('already closed')));
    lifecycle.onClose('close-storage', 'database', () => void (storageClosed = true));
    const report = await lifecycle.close(1000);
    expect(report).toMatchObject({ completed: true, failed: ['bus'] });
    expect(storageClosed).toBe(true);
  });

  it('gives up on a step that hangs when the time is up and says where', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.onClose('end-streams', 'stuck socket', () => new Promise(() => undefined));
    const report = await lifecycle.close(50);
    expect(report).toMatchObject({ completed: false, timedOutIn: 'end-streams' });
  });
});
