import { DeskConversationResponse } from '@parley/protocol';
import { Messenger, messageText, type Conversation, type Session } from '@parley/sdk';
import { deskLine } from './desk-line.js';
import { requestGuestSession, type ResumeStore } from './guest-session.js';
import { widgetStyles } from './widget-styles.js';

export interface WidgetOptions {
  siteKey: string;
  /** Base URL of the messaging service, e.g. https://chat.example.com */
  messagingUrl: string;
  store: ResumeStore;
  title?: string;
}

/** How much history a returning visitor gets: a support chat is short, so a few pages cover it. */
const HISTORY_PAGES = 4;
const HISTORY_PAGE_SIZE = 50;

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

/** The bubble and its panel inside a shadow root; the chat starts on the first open. */
export class ChatWidget {
  private readonly panel: HTMLElement;
  private readonly list: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly sendButton: HTMLButtonElement;
  private started: Promise<void> | undefined;
  private conversation: Conversation | undefined;
  private messenger: Messenger | undefined;

  constructor(
    host: HTMLElement,
    private readonly options: WidgetOptions,
  ) {
    const shadow = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = widgetStyles;
    const root = el('div', 'root');
    root.dataset.parleyWidget = '';

    this.panel = el('section', 'panel');
    this.panel.hidden = true;
    this.panel.setAttribute('role', 'dialog');
    this.panel.setAttribute('aria-label', options.title ?? 'Chat with us');
    const header = el('div', 'header');
    header.append(text('span', options.title ?? 'Chat with us'));
    const close = el('button', 'close');
    close.setAttribute('aria-label', 'Close chat');
    close.textContent = '×';
    close.addEventListener('click', () => this.setOpen(false));
    header.append(close);

    this.list = el('div', 'messages');
    this.list.setAttribute('role', 'log');
    this.list.setAttribute('aria-label', 'Messages');

    const form = el('form', 'composer');
    this.input = document.createElement('input');
    this.input.placeholder = 'Write a message…';
    this.input.setAttribute('aria-label', 'Message');
    this.sendButton = document.createElement('button');
    this.sendButton.type = 'submit';
    this.sendButton.textContent = 'Send';
    form.append(this.input, this.sendButton);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    this.setComposerEnabled(false);

    this.panel.append(header, this.list, form);
    const bubble = el('button', 'bubble');
    bubble.setAttribute('aria-label', 'Open chat');
    bubble.innerHTML = CHAT_ICON;
    bubble.addEventListener('click', () => this.setOpen(this.panel.hidden !== false));

    root.append(this.panel, bubble);
    shadow.append(style, root);
  }

  setOpen(open: boolean): void {
    this.panel.hidden = !open;
    if (!open) return;
    this.started ??= this.start().catch((err: unknown) => {
      this.started = undefined; // the next open tries again
      this.showStatus(`The chat is unavailable: ${err instanceof Error ? err.message : String(err)}`);
    });
    this.input.focus();
  }

  private async start(): Promise<void> {
    this.showStatus('Connecting…');
    const { messagingUrl, siteKey, store } = this.options;
    const guestSession = () => requestGuestSession({ messagingUrl, siteKey, store });
    const session = await guestSession();
    const conversationId = await openDeskConversation(messagingUrl, session);
    // A guest token has no refresh token: when it runs out, the stored guest is resumed for a new one.
    this.messenger = await Messenger.connect({
      baseUrl: messagingUrl,
      session,
      renewTokens: async () => (await guestSession()).tokens,
    });
    this.messenger.on('sessionExpired', () => this.showStatus('The chat session ended; reload the page.'));
    const conversation = await conversationOf(this.messenger, conversationId);
    this.conversation = conversation;
    conversation.on('updated', () => this.render());
    this.render();
    // The sync brings only the newest message; a visitor coming back wants the conversation so far.
    for (let page = 0; page < HISTORY_PAGES && conversation.snapshot().hasOlder; page++) {
      if ((await conversation.loadOlder(HISTORY_PAGE_SIZE)) === 0) break;
    }
    this.setComposerEnabled(true);
  }

  private send(): void {
    const body = this.input.value.trim();
    if (!body || !this.conversation) return;
    this.input.value = '';
    void this.conversation.sendMessage(body).catch(() => undefined); // failures stay in the outbox, shown below
  }

  private render(): void {
    const conversation = this.conversation;
    if (!conversation || !this.messenger) return;
    const snapshot = conversation.snapshot();
    const me = this.messenger.userId;
    const names = new Map(snapshot.participants.map((p) => [p.userId, p.displayName]));
    const items: HTMLElement[] = [];
    if (snapshot.messages.length === 0 && snapshot.outgoingMessages.length === 0) {
      items.push(text('div', 'Ask us anything; an operator will answer here.', 'status'));
    }
    for (const message of snapshot.messages) {
      if (message.removedAt) continue;
      const line = deskLine(message);
      if (line !== undefined) {
        items.push(text('div', line, 'desk'));
        continue;
      }
      const mine = message.senderId === me;
      const item = el('div', mine ? 'msg mine' : 'msg');
      if (!mine) item.append(text('span', names.get(message.senderId) ?? 'Support', 'sender'));
      item.append(document.createTextNode(messageText(message)));
      items.push(item);
    }
    for (const outgoing of snapshot.outgoingMessages) {
      items.push(text('div', messageText(outgoing), 'msg mine pending'));
    }
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.replaceChildren(...items);
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  private showStatus(message: string): void {
    this.list.replaceChildren(text('div', message, 'status'));
  }

  private setComposerEnabled(enabled: boolean): void {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
  }
}

async function openDeskConversation(messagingUrl: string, session: Session): Promise<string> {
  const res = await fetch(`${messagingUrl}/v1/desk/conversation`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.tokens.access_token}` },
  });
  if (!res.ok) throw new Error(`the support desk answered ${res.status}`);
  return DeskConversationResponse.parse(await res.json()).conversation.id;
}

/** The desk conversation once the messenger has it (its first sync, or the live event right after). */
async function conversationOf(messenger: Messenger, id: string): Promise<Conversation> {
  await messenger.synced();
  const known = messenger.conversation(id);
  if (known) return known;
  return new Promise((resolve) => {
    const check = () => {
      const conversation = messenger.conversation(id);
      if (!conversation) return;
      messenger.off('conversationsChanged', check);
      resolve(conversation);
    };
    messenger.on('conversationsChanged', check);
  });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function text(tag: 'div' | 'span', content: string, className = ''): HTMLElement {
  const node = el(tag, className);
  node.textContent = content;
  return node;
}
