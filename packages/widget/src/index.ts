import { ChatWidget } from './chat-widget.js';
import { localStorageResumeStore } from './guest-session.js';

export { ChatWidget, type WidgetOptions } from './chat-widget.js';
export { deskLine } from './desk-line.js';
export { requestGuestSession, localStorageResumeStore, type ResumeStore } from './guest-session.js';

// Included as <script src=".../widget.js" data-site-key="..." data-messaging-url="...">: mount once the body exists.
const script = document.currentScript as HTMLScriptElement | null;
const siteKey = script?.dataset.siteKey;
const messagingUrl = script?.dataset.messagingUrl?.replace(/\/+$/, '');
if (script && siteKey && messagingUrl) {
  const mount = () => {
    const host = document.createElement('div');
    host.id = 'parley-widget';
    document.body.append(host);
    new ChatWidget(host, {
      siteKey,
      messagingUrl,
      store: localStorageResumeStore(window.localStorage, siteKey),
      title: script.dataset.title,
    });
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}
