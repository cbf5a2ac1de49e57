import { OUTBOUND_REFUSED, type OutboundFetch } from '@parley/service-kit';

/** The outcome of one POST to an endpoint, as the delivery log shows it. */
export interface SendOutcome {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/**
 * POSTs a signed webhook. Only a 2xx is a success; a redirect is not followed (the endpoint's URL is what
 * the client registered), and no answer within the timeout is a failure. `outboundFetch` refuses internal
 * targets; the refusal is the attempt's error, as the client sees it in the delivery log.
 */
export async function postWebhook(
  outboundFetch: OutboundFetch,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    const res = await outboundFetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Parley-Webhooks/1' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drained so the connection can be reused; what the endpoint answers is not kept.
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return {
      ok,
      responseStatus: res.status,
      durationMs: elapsed(),
      error: ok ? null : `HTTP ${res.status}`,
    };
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      responseStatus: null,
      durationMs: elapsed(),
      error: timedOut
        ? `no answer within ${timeoutMs} ms`
        : cause?.code === OUTBOUND_REFUSED
          ? (cause.message ?? OUTBOUND_REFUSED)
          : (cause?.code ?? cause?.message ?? (err as Error).message ?? 'request failed'),
    };
  }
}
