import { describe, expect, it } from 'vitest';
import { ParleyApiError } from '../http/api-error.js';
import { sendWithRetries } from './send-retry.js';

const noWait = { attempts: 4, minDelayMs: 0, maxDelayMs: 0 };

/** A send that fails with the given errors, in order, then succeeds; counts its calls. */
function flaky(...failures: Error[]) {
  let calls = 0;
  const send = async () => {
    const failure = failures[calls++];
    if (failure) throw failure;
    return 'sent';
  };
  return { send, calls: () => calls };
}

describe('sendWithRetries', () => {
  it('sends again after no answer and after a 5xx, then resolves with the success', async () => {
    const s = flaky(new ParleyApiError(0, 'network error', 'network_error'), new ParleyApiError(503, 'down'));
    await expect(sendWithRetries(s.send, noWait)).resolves.toBe('sent');
    expect(s.calls()).toBe(3);
  });

  it('does not send again after a refusal (4xx)', async () => {
    const refused = new ParleyApiError(403, 'not a participant', 'forbidden');
    const s = flaky(refused);
    await expect(sendWithRetries(s.send, noWait)).rejects.toBe(refused);
    expect(s.calls()).toBe(1);
  });

  it('gives up after the last attempt with the last failure', async () => {
    const last = new ParleyApiError(502, 'bad gateway');
    const s = flaky(
      new ParleyApiError(500, 'a'),
      new ParleyApiError(500, 'b'),
      last,
      new ParleyApiError(500, 'd'),
    );
    await expect(sendWithRetries(s.send, { ...noWait, attempts: 3 })).rejects.toBe(last);
    expect(s.calls()).toBe(3);
  });

  it('does not retry an error that is not from the API', async () => {
    const bug = new TypeError('boom');
    const s = flaky(bug);
    await expect(sendWithRetries(s.send, noWait)).rejects.toBe(bug);
    expect(s.calls()).toBe(1);
  });
});
