/** The line an operator reads for a support desk message (`application/vnd.parley.desk+json`) in a chat. */
export function deskEventText(body: string | undefined): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return 'Support desk update';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'Support desk update';
  const { event, operatorName } = parsed as { event?: unknown; operatorName?: unknown };
  const name = typeof operatorName === 'string' && operatorName ? operatorName : null;
  switch (event) {
    case 'assigned':
      return `Assigned to ${name ?? 'an operator'}`;
    case 'transferred':
      return `Transferred to ${name ?? 'another operator'}`;
    case 'unassigned':
      return 'Waiting for an operator';
    default:
      return 'Support desk update';
  }
}
