import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config.js';

const base = { WEBHOOK_GATEWAY_CLIENT_SECRET: 'a-secret-of-sixteen-chars' };

describe('the outgoing webhooks configuration', () => {
  it('defaults to retries over about a day, a 10 s timeout and a 24 h rotation overlap', () => {
    const config = loadConfig(base).outgoingWebhooks;
    expect(config).toEqual({
      retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000],
      timeoutMs: 10_000,
      busyRetryMs: 1000,
      secretOverlapMs: 86_400_000,
      secretsKey: null,
      disableAfter: { failures: 50, failingForMs: 259_200_000 },
    });
    expect(config.retryScheduleMs.reduce((a, b) => a + b, 0)).toBeGreaterThan(17 * 3600_000);
  });

  it('reads the retry schedule as a comma list of milliseconds', () => {
    expect(
      loadConfig({ ...base, OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS: ' 100, 200 ,300' }).outgoingWebhooks
        .retryScheduleMs,
    ).toEqual([100, 200, 300]);
    expect(
      loadConfig({ ...base, OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS: '0' }).outgoingWebhooks.retryScheduleMs,
    ).toEqual([0]);
  });

  it('takes a 32-byte base64 key for the secrets at rest', () => {
    const key = Buffer.alloc(32, 7);
    expect(
      loadConfig({ ...base, OUTGOING_WEBHOOK_SECRETS_KEY: key.toString('base64') }).outgoingWebhooks
        .secretsKey,
    ).toEqual(key);
  });

  it.each([
    ['OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS', '5s,5m'],
    ['OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS', '100,,200'],
    ['OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS', '-100'],
    ['OUTGOING_WEBHOOK_TIMEOUT_MS', '10'],
    ['OUTGOING_WEBHOOK_BUSY_RETRY_MS', 'soon'],
    ['OUTGOING_WEBHOOK_DISABLE_AFTER_FAILURES', '0'],
    ['OUTGOING_WEBHOOK_SECRET_OVERLAP_MS', '-1'],
    ['OUTGOING_WEBHOOK_SECRETS_KEY', Buffer.alloc(16).toString('base64')],
    ['OUTGOING_WEBHOOK_SECRETS_KEY', 'not base64 at all!'],
  ])('a wrong %s (%s) stops the start naming the variable', (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
  });
});
