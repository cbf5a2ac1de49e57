import { useEffect, useRef, useState } from 'react';
import { CallWindow } from '../calls/CallWindow';
import { ChatView } from '../chat/ChatView';
import { ChatDesk } from '../desk/ChatDesk';
import { useDesk } from '../desk/desk-context';
import { Sidebar, type SidebarDialog } from '../conversations/Sidebar';
import { NotificationCenter } from '../notifications/NotificationCenter';
import { ProviderCallLayer } from '../provider-calls/ProviderCallLayer';
import { MissedCallNotices } from '../push/MissedCallPush';
import { OperatorConsole } from '../support/OperatorConsole';
import { SupportLayer } from '../support/SupportLayer';
import { useSupport } from '../support/support-context';
import { IconMessage } from '../ui/icons';
import { useMessengerContext, useMessengerRevision } from './messenger-context';
import { useConversationRoute } from './router';
import { TestIds } from './test-ids';

/** The logged-in app: sidebar with the conversation list, and the open conversation. */
export function Shell() {
  const { messenger } = useMessengerContext();
  const [selectedId, navigate] = useConversationRoute();
  const [dialog, setDialog] = useState<SidebarDialog | null>(null);
  const support = useSupport();
  const [consoleRequested, setConsoleRequested] = useState(false);
  const consoleOpen = consoleRequested && support?.state.role === 'operator';
  const desk = useDesk();
  const [deskRequested, setDeskRequested] = useState(false);
  const deskOpen = deskRequested && !!desk && !consoleOpen;
  useMessengerRevision(messenger, ['conversationsChanged', 'synced']);
  const [synced, setSynced] = useState(false);
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;

  useEffect(() => {
    let live = true;
    void messenger.synced().then(() => live && setSynced(true));
    return () => {
      live = false;
    };
  }, [messenger]);

  // Left or removed from the open conversation: close it.
  useEffect(
    () =>
      messenger.on('conversationLeft', ({ conversationId }) => {
        if (conversationId === selectedRef.current) navigate(null, { replace: true });
      }),
    [messenger, navigate],
  );

  // Keyboard: Alt+↑/↓ previous/next conversation, Ctrl/⌘+K new message.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setDialog('direct');
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        const list = messenger.conversations();
        if (list.length === 0) return;
        e.preventDefault();
        const index = list.findIndex((c) => c.id === selectedRef.current);
        const next =
          e.key === 'ArrowDown'
            ? Math.min(list.length - 1, index + 1)
            : Math.max(0, index < 0 ? 0 : index - 1);
        setConsoleRequested(false);
        setDeskRequested(false);
        navigate(list[next]!.id);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [messenger, navigate]);

  const conversation = selectedId ? messenger.conversation(selectedId) : undefined;

  const select = (id: string | null) => {
    setConsoleRequested(false);
    setDeskRequested(false);
    navigate(id);
  };

  let main;
  if (consoleOpen) {
    main = <OperatorConsole onClose={() => setConsoleRequested(false)} />;
  } else if (deskOpen) {
    main = <ChatDesk onOpen={(id) => select(id)} onClose={() => setDeskRequested(false)} />;
  } else if (conversation) {
    main = <ChatView key={conversation.id} conversation={conversation} onBack={() => select(null)} />;
  } else if (selectedId && !synced) {
    main = (
      <div className="chat-placeholder" data-testid={TestIds.chatEmpty} aria-busy="true">
        <div className="spinner" aria-label="Loading conversation" />
        <p className="muted">Loading conversation…</p>
      </div>
    );
  } else {
    main = (
      <div className="chat-placeholder" data-testid={TestIds.chatEmpty}>
        <div className="placeholder-icon">
          <IconMessage size={32} />
        </div>
        {selectedId ? (
          <>
            <h2>Conversation not found</h2>
            <p className="muted">You may have left it, or it was never shared with you.</p>
            <button type="button" className="button" onClick={() => navigate(null)}>
              Back to conversations
            </button>
          </>
        ) : (
          <>
            <h2>Pick a conversation</h2>
            <p className="muted">Choose one on the left, or start something new.</p>
            <div className="placeholder-actions">
              <button type="button" className="button button-primary" onClick={() => setDialog('direct')}>
                New message
              </button>
              <button type="button" className="button" onClick={() => setDialog('channels')}>
                Browse channels
              </button>
            </div>
            <p className="muted small kbd-hints">
              <kbd>Ctrl</kbd>+<kbd>K</kbd> new message · <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> switch
              conversation
            </p>
          </>
        )}
      </div>
    );
  }

  return (
    <div
      className="shell"
      data-testid={TestIds.appShell}
      data-view={selectedId || consoleOpen || deskOpen ? 'chat' : 'list'}
    >
      <Sidebar
        selectedId={consoleOpen || deskOpen ? null : selectedId}
        onSelect={select}
        onOpenSupportConsole={() => {
          setDeskRequested(false);
          setConsoleRequested(true);
        }}
        onOpenDesk={() => {
          setConsoleRequested(false);
          setDeskRequested(true);
        }}
        dialog={dialog}
        onDialog={setDialog}
      />
      <main className="main">{main}</main>
      <CallWindow />
      <SupportLayer consoleOpen={consoleOpen} />
      <ProviderCallLayer />
      <MissedCallNotices onOpen={(id) => select(id)} />
      <NotificationCenter selectedId={selectedId} onOpen={(id) => navigate(id)} />
    </div>
  );
}
