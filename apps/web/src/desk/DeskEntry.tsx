import { IconMessage } from '../ui/icons';
import { useDesk } from './desk-context';
import { DeskIds } from './ids';

/** The sidebar's way to the chat desk, for operators only; shows how many chats wait for acceptance. */
export function DeskEntry({ onOpen }: { onOpen: () => void }) {
  const desk = useDesk();
  if (!desk) return null;
  const toAccept = desk.queue.mine.filter((c) => c.state === 'assigned').length;
  return (
    <button
      type="button"
      className="action"
      onClick={onOpen}
      data-testid={DeskIds.button}
      data-waiting={desk.queue.waiting.length}
      data-mine={desk.queue.mine.length}
      title={toAccept ? `Chat desk (${toAccept} to accept)` : 'Chat desk'}
    >
      <IconMessage />
      <span>Desk{toAccept ? ` (${toAccept})` : ''}</span>
    </button>
  );
}
