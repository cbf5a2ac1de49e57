import { ParleyApiError } from '@parley/sdk';

/** The server's sentence, capitalised, without a trailing period duplication. */
function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return t[0]!.toUpperCase() + t.slice(1);
}

/** A human message for any error an SDK call can throw. */
export function describeError(err: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (err instanceof ParleyApiError) {
    if (err.status === 0) return "Can't reach the Parley server. Check your connection and try again.";
    if (err.status === 401) return 'Your session has expired. Please log in again.';
    if (err.status === 403) return "You don't have permission to do that here.";
    if (err.status === 404) return 'That no longer exists (it may have been removed).';
    if (err.status === 429) return 'Too many requests. Wait a moment and try again.';
    if (err.status >= 500) return 'The server had a problem. Please try again in a moment.';
    if (err.issues && err.issues.length > 0) {
      return err.issues
        .map((i) => (i.path ? `${sentence(i.path)}: ${i.message}` : sentence(i.message)))
        .join('. ');
    }
    return sentence(err.message) || fallback;
  }
  if (err instanceof Error && err.message) return sentence(err.message);
  return fallback;
}
