import { DeskMessageBody } from '@parley/protocol';

/** The line an operator reads for a support desk message (`application/vnd.parley.desk+json`) in a chat. */
export function deskEventText(body: string | undefined): string {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return 'Support desk update';
  }
  const parsed = DeskMessageBody.safeParse(json);
  if (!parsed.success) return 'Support desk update';
  const name = parsed.data.operatorName || null;
  switch (parsed.data.event) {
    case 'assigned':
      return `Assigned to ${name ?? 'an operator'}`;
    case 'transferred':
      return `Transferred to ${name ?? 'another operator'}`;
    case 'unassigned':
      return 'Waiting for an operator';
    case 'closed':
      return `Closed by ${name ?? 'the operator'}`;
  }
}
