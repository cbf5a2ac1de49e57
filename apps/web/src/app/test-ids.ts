/**
 * Stable `data-testid` values of the Parley web client, for Playwright (e2e/). Renaming one breaks the e2e
 * suite: add new ids rather than changing these.
 *
 * Auth
 *   auth-screen            the sign-up / log-in screen
 *   auth-mode-login        tab: switch the form to "Log in"
 *   auth-mode-signup       tab: switch the form to "Sign up"
 *   auth-username          username input
 *   auth-password          password input
 *   auth-display-name      display name input (sign-up only)
 *   auth-submit            submit button ("Log in" / "Create account")
 *   auth-error             error text after a failed log-in / sign-up
 *   auth-notice            notice above the form, e.g. "Your session has expired. Please log in again."
 *   demo-banner            banner listing the demo users
 *   demo-login             one-click "log in as" button; attribute data-username="alice" | "bob" | "carol"
 *
 * App shell
 *   app-shell              root of the logged-in app
 *   current-user           the logged-in user's display name (data-username, data-user-id)
 *   logout-button          log out
 *   connection-status      text "online" | "connecting" | "offline" (also data-state)
 *
 * Conversations
 *   conversation-list      the list (sidebar)
 *   conversation-list-empty  empty state when the user has no conversations
 *   conversation-item      one conversation; data-conversation-id, data-type, aria-current="page" when open
 *   conversation-title     title inside an item (direct: the other person's display name)
 *   conversation-preview   last-message preview inside an item
 *   unread-badge           unread count inside an item; text = count; not rendered at 0
 *   new-direct-button      opens "New direct message"
 *   user-search            user search input (direct and group dialogs)
 *   user-result            one search result; data-user-id, data-username
 *   selected-user          a picked user chip in the group dialog; data-user-id
 *   new-group-button       opens "New group"
 *   group-title-input      group title input
 *   create-group-button    creates the group
 *   channels-button        opens the channel directory
 *   channel-search         channel directory search input
 *   channel-item           one channel; data-channel-id, data-joined="true|false"
 *   join-channel-button    joins the channel (inside channel-item; "Open" when already joined)
 *   channel-title-input    title of a new channel
 *   create-channel-button  creates the channel
 *   dialog                 any open dialog; dialog-close closes it; dialog-error shows its error
 *   dialog-close
 *   dialog-error
 *
 * Chat
 *   chat-view              the open conversation
 *   chat-empty             placeholder when no conversation is open
 *   chat-title             title of the open conversation
 *   chat-subtitle          participants / member count
 *   back-button            back to the list (narrow screens)
 *   leave-conversation-button  leave a group or channel
 *   message-list           the (virtualised) message list
 *   message-list-empty     "no messages yet" state
 *   loading-older          shown while older messages load
 *   history-start          shown at the top once the whole history is loaded
 *   message                one message; data-seq, data-message-id, data-own="true|false"
 *   message-sender         sender display name (visually hidden on grouped follow-up messages)
 *   message-time           time sent (<time datetime=...>)
 *   message-text           text of the message
 *   message-edited         "(edited)" marker
 *   message-removed        "message removed" placeholder
 *   voip-call              a call card (application/voip-link part); voip-join-button joins
 *   voip-join-button
 *   message-image          an image part
 *   message-attachment     any other part, labelled with its name / type
 *   edit-message           hover action: edit own message
 *   remove-message         hover action: remove own message
 *   edit-input             inline editor (Enter saves, Escape cancels)
 *   edit-error             error while saving an edit
 *   read-marker            "Seen" under the last own message another participant has read
 *   typing-indicator       "Bob is typing…"
 *   composer-input         message textarea (Enter sends, Shift+Enter newline)
 *   send-button            send
 *   composer-error         error after a failed send (e.g. "Message is too long (… KB, limit 64 KB)")
 *
 * Notices
 *   toast                  a corner notice (e.g. "Could not remove the message: …")
 */
export const TestIds = {
  authScreen: 'auth-screen',
  authModeLogin: 'auth-mode-login',
  authModeSignup: 'auth-mode-signup',
  authUsername: 'auth-username',
  authPassword: 'auth-password',
  authDisplayName: 'auth-display-name',
  authSubmit: 'auth-submit',
  authError: 'auth-error',
  authNotice: 'auth-notice',
  demoBanner: 'demo-banner',
  demoLogin: 'demo-login',

  appShell: 'app-shell',
  currentUser: 'current-user',
  logoutButton: 'logout-button',
  connectionStatus: 'connection-status',

  conversationList: 'conversation-list',
  conversationListEmpty: 'conversation-list-empty',
  conversationItem: 'conversation-item',
  conversationTitle: 'conversation-title',
  conversationPreview: 'conversation-preview',
  unreadBadge: 'unread-badge',
  newDirectButton: 'new-direct-button',
  userSearch: 'user-search',
  userResult: 'user-result',
  selectedUser: 'selected-user',
  newGroupButton: 'new-group-button',
  groupTitleInput: 'group-title-input',
  createGroupButton: 'create-group-button',
  channelsButton: 'channels-button',
  channelSearch: 'channel-search',
  channelItem: 'channel-item',
  joinChannelButton: 'join-channel-button',
  channelTitleInput: 'channel-title-input',
  createChannelButton: 'create-channel-button',
  dialog: 'dialog',
  dialogClose: 'dialog-close',
  dialogError: 'dialog-error',

  chatView: 'chat-view',
  chatEmpty: 'chat-empty',
  chatTitle: 'chat-title',
  chatSubtitle: 'chat-subtitle',
  backButton: 'back-button',
  leaveConversationButton: 'leave-conversation-button',
  messageList: 'message-list',
  messageListEmpty: 'message-list-empty',
  loadingOlder: 'loading-older',
  historyStart: 'history-start',
  message: 'message',
  messageSender: 'message-sender',
  messageTime: 'message-time',
  messageText: 'message-text',
  messageEdited: 'message-edited',
  messageRemoved: 'message-removed',
  voipCall: 'voip-call',
  voipJoinButton: 'voip-join-button',
  messageImage: 'message-image',
  messageAttachment: 'message-attachment',
  editMessage: 'edit-message',
  removeMessage: 'remove-message',
  editInput: 'edit-input',
  editError: 'edit-error',
  readMarker: 'read-marker',
  typingIndicator: 'typing-indicator',
  composerInput: 'composer-input',
  sendButton: 'send-button',
  composerError: 'composer-error',

  toast: 'toast',
} as const;

export type TestId = (typeof TestIds)[keyof typeof TestIds];
