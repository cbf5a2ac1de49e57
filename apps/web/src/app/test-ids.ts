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
 *                          (an uploaded file: a card with data-attachment-id and attachment-download)
 *   attachment-download    the download link of an uploaded file
 *   image-lightbox         the full image over the page, opened by clicking an inline image
 *                          (message-image of an upload is a button with data-attachment-id, data-loaded)
 *   lightbox-close         closes image-lightbox (Escape and a click outside do too)
 *   attach-button          the composer's paperclip; attach-input is its (hidden) file input
 *   attach-input
 *   drop-zone              shown while files are dragged over the composer
 *   upload-item            one upload; data-state "uploading" | "failed"; upload-progress is its bar,
 *                          upload-cancel cancels it, upload-error says why it failed
 *   upload-progress
 *   upload-cancel
 *   upload-error
 *   edit-message           hover action: edit own message
 *   remove-message         hover action: remove own message
 *   reply-message          hover action: reply to a message (the composer shows reply-bar)
 *   reply-bar              above the composer while replying (data-reply-to); reply-cancel closes it
 *   reply-quote            the quote above a reply (data-reply-to; click scrolls to the original);
 *                          reply-quote-sender, reply-quote-text inside it
 *   react-button           hover action: opens the quick reactions; reaction-option (data-emoji) in it
 *   reaction-chip          one emoji under a message: data-emoji, data-count, data-mine, aria-pressed
 *   mention-suggestions    the @username list under the composer; mention-option (data-username)
 *   message                also data-mentions-me="true" (highlighted) when someone mentioned me
 *   edit-input             inline editor (Enter saves, Escape cancels)
 *   edit-error             error while saving an edit
 *   read-marker            "Seen" under the last own message another participant has read
 *   outgoing-message       an own message not yet stored by the server; data-client-message-id,
 *                          data-status "pending" | "sending" | "failed"
 *   retry-send             "Retry" on a failed outgoing message
 *   discard-send           "Delete" on a failed outgoing message
 *   typing-indicator       "Bob is typing…"
 *   composer-input         message textarea (Enter sends, Shift+Enter newline)
 *   send-button            send
 *   composer-error         a message the composer refused (e.g. "Message is too long (… KB, limit 64 KB)")
 *
 * Notices
 *   toast                  a corner notice (e.g. "Could not remove the message: …")
 *
 * Auth (calls)
 *   auth-msisdn            phone number input (sign-up only, optional; needed to make calls)
 *
 * Calls (the SDK Terminal on terminal-core)
 *   calls-panel            the calls section of the sidebar
 *   terminal-status        registration with the core: data-state "online" | "connecting" | "offline";
 *                          data-msisdn = this user's number
 *   calls-unavailable      shown instead of the dialer when the user has no phone number
 *   dial-input             msisdn to call (E.164, spaces allowed)
 *   dial-video             checkbox: call with video (default on)
 *   dial-button            places the call
 *   dial-contact           quick-dial a conversation participant who has a number; data-msisdn, data-username
 *   chat-call-button       call the other person of the open direct conversation (when they have a number)
 *   incoming-call          a ringing incoming call; data-call-id, data-from (caller msisdn)
 *   incoming-caller        the caller's number inside incoming-call
 *   accept-call            answer (inside incoming-call)
 *   decline-call           decline (inside incoming-call)
 *   in-call                the call window (dialing, ringing or active); data-call-id, data-direction
 *   call-state             the call's state: data-state "dialing" | "ringing" | "active" | "ended";
 *                          data-connection = the RTCPeerConnection's connectionState
 *   call-remote            the other party's number (or "another device" for a pulled call)
 *   local-video            <video> of this device's camera (muted)
 *   remote-video           <video> of the other party
 *   hangup-button          hang up / cancel
 *   to-phone-button        move the call to the mobile phone ("Moving…" while waiting)
 *   call-ended             after a call ends: data-reason (hangup, rejected, moved, moved_to_phone,
 *                          answered_elsewhere, callee_offline, busy, no_answer, cancelled, connection_lost, …)
 *   call-ended-dismiss     closes call-ended
 *   other-device-call      a call of this number on another device or the phone; data-call-id
 *   pull-call-button       moves that call here (inside other-device-call)
 *
 * Search and presence
 *   message-search         the "Search messages" input (sidebar)
 *   search-results         the results panel under it (while a query is typed)
 *   search-result          one hit: data-conversation-id, data-message-id; <mark> around the found words
 *   search-empty           "No messages match."
 *   presence-dot           on a direct conversation's avatar: data-user-id, data-status online|away|offline
 *   chat-presence          "online" / "away" / "last seen …" in a direct chat's header; data-status
 *   pin-conversation-button   toggles pinned (aria-pressed) in the chat header
 *   mute-conversation-button  toggles muted (aria-pressed) in the chat header
 *   pinned-icon            inside a conversation-item that is pinned (pinned rows come first)
 *   muted-icon             inside a conversation-item that is muted
 *
 * Tests read the active call's RTCPeerConnection through `window.__parleyCall.peerConnection()`.
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
  messageBotBadge: 'message-bot-badge',
  messageTime: 'message-time',
  messageText: 'message-text',
  messageEdited: 'message-edited',
  messageRemoved: 'message-removed',
  voipCall: 'voip-call',
  voipJoinButton: 'voip-join-button',
  messageImage: 'message-image',
  messageAttachment: 'message-attachment',
  attachmentDownload: 'attachment-download',
  imageLightbox: 'image-lightbox',
  lightboxClose: 'lightbox-close',
  attachButton: 'attach-button',
  attachInput: 'attach-input',
  dropZone: 'drop-zone',
  uploadItem: 'upload-item',
  uploadProgress: 'upload-progress',
  uploadCancel: 'upload-cancel',
  uploadError: 'upload-error',
  editMessage: 'edit-message',
  removeMessage: 'remove-message',
  replyMessage: 'reply-message',
  replyBar: 'reply-bar',
  replyCancel: 'reply-cancel',
  replyQuote: 'reply-quote',
  replyQuoteSender: 'reply-quote-sender',
  replyQuoteText: 'reply-quote-text',
  reactButton: 'react-button',
  reactionOption: 'reaction-option',
  reactionChip: 'reaction-chip',
  mentionSuggestions: 'mention-suggestions',
  mentionOption: 'mention-option',
  editInput: 'edit-input',
  editError: 'edit-error',
  readMarker: 'read-marker',
  outgoingMessage: 'outgoing-message',
  retrySend: 'retry-send',
  discardSend: 'discard-send',
  typingIndicator: 'typing-indicator',
  composerInput: 'composer-input',
  sendButton: 'send-button',
  composerError: 'composer-error',

  toast: 'toast',

  authMsisdn: 'auth-msisdn',

  callsPanel: 'calls-panel',
  terminalStatus: 'terminal-status',
  callsUnavailable: 'calls-unavailable',
  dialInput: 'dial-input',
  dialVideo: 'dial-video',
  dialButton: 'dial-button',
  dialContact: 'dial-contact',
  chatCallButton: 'chat-call-button',
  incomingCall: 'incoming-call',
  incomingCaller: 'incoming-caller',
  acceptCall: 'accept-call',
  declineCall: 'decline-call',
  inCall: 'in-call',
  callState: 'call-state',
  callRemote: 'call-remote',
  localVideo: 'local-video',
  remoteVideo: 'remote-video',
  hangupButton: 'hangup-button',
  toPhoneButton: 'to-phone-button',
  callEnded: 'call-ended',
  callEndedDismiss: 'call-ended-dismiss',
  otherDeviceCall: 'other-device-call',
  pullCallButton: 'pull-call-button',

  messageSearch: 'message-search',
  searchResults: 'search-results',
  searchResult: 'search-result',
  searchEmpty: 'search-empty',
  presenceDot: 'presence-dot',
  chatPresence: 'chat-presence',
  pinConversationButton: 'pin-conversation-button',
  muteConversationButton: 'mute-conversation-button',
  pinnedIcon: 'pinned-icon',
  mutedIcon: 'muted-icon',
} as const;

export type TestId = (typeof TestIds)[keyof typeof TestIds];
