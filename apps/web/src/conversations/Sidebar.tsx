import { useEffect, useMemo, useState } from 'react';
import type { Conversation } from '@parley/sdk';
import { ConnectionStatus } from '../app/ConnectionStatus';
import { useMessengerContext, useMessengerRevision } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import { CallsPanel } from '../calls/CallsPanel';
import { useActivityReporting } from '../presence/use-presence';
import { MessageSearch } from '../search/MessageSearch';
import { requestJump } from '../search/search-jump';
import { MissedCallPushToggle } from '../push/MissedCallPush';
import { SupportEntry } from '../support/SupportEntry';
import { documentTitle, titleUnreadCount } from '../notifications/notification-rules';
import { Avatar } from '../ui/Avatar';
import { IconHash, IconLogout, IconMessage, IconSearch, IconUsers } from '../ui/icons';
import { ChannelDirectory } from './ChannelDirectory';
import { conversationTitle, lastActivity } from './conversation-info';
import { ConversationList } from './ConversationList';
import { NewDirectDialog, NewGroupDialog } from './NewConversationDialogs';
import { DeskEntry } from '../desk/DeskEntry';

export type SidebarDialog = 'direct' | 'group' | 'channels';

interface SidebarProps {
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Operators: opens the support console in the main area. */
  onOpenSupportConsole: () => void;
  onOpenDesk: () => void;
  dialog: SidebarDialog | null;
  onDialog: (dialog: SidebarDialog | null) => void;
}

export function Sidebar({
  selectedId,
  onSelect,
  onOpenSupportConsole,
  onOpenDesk,
  dialog,
  onDialog,
}: SidebarProps) {
  const { messenger, logout } = useMessengerContext();
  const revision = useMessengerRevision(messenger);
  const [filter, setFilter] = useState('');
  const me = messenger.user;
  useActivityReporting(messenger);

  const conversations = useMemo(() => {
    // The SDK sorts too (pinned first, then by activity); sorting here keeps the order whatever it does.
    const list = [...messenger.conversations()].sort(
      (a, b) => Number(b.pinned) - Number(a.pinned) || lastActivity(b).localeCompare(lastActivity(a)),
    );
    const f = filter.trim().toLowerCase();
    return f ? list.filter((c) => conversationTitle(c, me.id).toLowerCase().includes(f)) : list;
  }, [messenger, revision, filter, me.id]);

  const totalUnread = useMemo(() => titleUnreadCount(messenger.conversations()), [messenger, revision]);
  useDocumentTitle(totalUnread);

  const open = (c: Conversation) => {
    onDialog(null);
    onSelect(c.id);
  };

  return (
    <aside className="sidebar" aria-label="Conversations">
      <header className="sidebar-header">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Parley</span>
        </div>
        <ConnectionStatus messenger={messenger} />
      </header>

      <div className="sidebar-actions">
        <button
          type="button"
          className="action"
          onClick={() => onDialog('direct')}
          data-testid={TestIds.newDirectButton}
          title="New direct message"
        >
          <IconMessage />
          <span>Message</span>
        </button>
        <button
          type="button"
          className="action"
          onClick={() => onDialog('group')}
          data-testid={TestIds.newGroupButton}
          title="New group"
        >
          <IconUsers />
          <span>Group</span>
        </button>
        <button
          type="button"
          className="action"
          onClick={() => onDialog('channels')}
          data-testid={TestIds.channelsButton}
          title="Browse or create channels"
        >
          <IconHash />
          <span>Channels</span>
        </button>
        <SupportEntry
          onOpenConversation={(id) => {
            onDialog(null);
            onSelect(id);
          }}
          onOpenConsole={() => {
            onDialog(null);
            onOpenSupportConsole();
          }}
        />
        <DeskEntry
          onOpen={() => {
            onDialog(null);
            onOpenDesk();
          }}
        />
      </div>

      <CallsPanel />

      <div className="sidebar-filter search-input">
        <IconSearch size={16} />
        <input
          type="search"
          placeholder="Filter conversations"
          aria-label="Filter conversations"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>

      <MessageSearch
        messenger={messenger}
        onOpen={(hit) => {
          requestJump({
            conversationId: hit.conversationId,
            messageId: hit.message.id,
            seq: hit.message.seq,
          });
          onDialog(null);
          onSelect(hit.conversationId);
        }}
      />

      <nav className="sidebar-list">
        <ConversationList
          conversations={conversations}
          myId={me.id}
          selectedId={selectedId}
          filtered={filter.trim() !== ''}
          onSelect={onSelect}
        />
      </nav>

      <footer className="sidebar-footer">
        <Avatar seed={me.username} name={me.displayName} size="sm" />
        <span
          className="me"
          data-testid={TestIds.currentUser}
          data-username={me.username}
          data-user-id={me.id}
        >
          <span className="me-name">{me.displayName}</span>
          <span className="me-username">@{me.username}</span>
        </span>
        <MissedCallPushToggle />
        <button
          type="button"
          className="icon-button"
          onClick={logout}
          data-testid={TestIds.logoutButton}
          aria-label="Log out"
          title="Log out"
        >
          <IconLogout />
        </button>
      </footer>

      {dialog === 'direct' && <NewDirectDialog onClose={() => onDialog(null)} onOpen={open} />}
      {dialog === 'group' && <NewGroupDialog onClose={() => onDialog(null)} onOpen={open} />}
      {dialog === 'channels' && <ChannelDirectory onClose={() => onDialog(null)} onOpen={open} />}
    </aside>
  );
}

/** "(3) Parley" while something is unread, so a background tab shows it. */
function useDocumentTitle(unread: number) {
  useEffect(() => {
    document.title = documentTitle(unread);
  }, [unread]);
}
