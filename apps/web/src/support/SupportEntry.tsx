import { useState } from 'react';
import { describeError } from '../app/errors';
import { useMessengerContext } from '../app/messenger-context';
import { IconPhone } from '../ui/icons';
import { useToast } from '../ui/toast';
import { SupportIds } from './ids';
import { openSupportConversation, useSupport } from './support-context';

/**
 * The sidebar's way to support: customers open their support conversation (made on first use), operators
 * open the console. Nothing while the line is unknown or this deployment has none.
 */
export function SupportEntry({
  onOpenConversation,
  onOpenConsole,
}: {
  onOpenConversation: (id: string) => void;
  onOpenConsole: () => void;
}) {
  const support = useSupport();
  const { messenger } = useMessengerContext();
  const toast = useToast();
  const [opening, setOpening] = useState(false);
  if (!support || support.state.status !== 'ready') return null;

  if (support.state.role === 'operator') {
    const available = !!support.state.operator?.available;
    return (
      <button
        type="button"
        className="action"
        onClick={onOpenConsole}
        data-testid={SupportIds.consoleButton}
        data-available={String(available)}
        title={available ? 'Support console (available)' : 'Support console (unavailable)'}
      >
        <span className="support-action-icon">
          <IconPhone />
          <span className={`support-availability-dot${available ? ' on' : ''}`} aria-hidden="true" />
        </span>
        <span>Console</span>
      </button>
    );
  }

  const open = async () => {
    if (opening) return;
    setOpening(true);
    try {
      onOpenConversation((await openSupportConversation(messenger)).id);
    } catch (err) {
      toast(`Could not open support: ${describeError(err)}`);
    } finally {
      setOpening(false);
    }
  };
  return (
    <button
      type="button"
      className="action"
      onClick={() => void open()}
      disabled={opening}
      data-testid={SupportIds.supportButton}
      title="Talk to support"
    >
      <IconPhone />
      <span>Support</span>
    </button>
  );
}

/** "Call support" in the support conversation's header (customers only). */
export function SupportCallButton({ conversationId }: { conversationId: string }) {
  const support = useSupport();
  if (!support || support.state.status !== 'ready' || support.state.role !== 'customer') return null;
  const call = support.state.customerCall;
  const busy = !!call && call.phase !== 'busy' && call.phase !== 'ended';
  return (
    <button
      type="button"
      className="button button-sm button-primary"
      onClick={() => void support.desk.callSupport(conversationId)}
      disabled={busy}
      title={busy ? 'Already calling support' : 'Call support'}
      data-testid={SupportIds.callButton}
    >
      <IconPhone size={16} />
      <span className="hide-narrow">Call</span>
    </button>
  );
}
