import { useEffect, useRef, useState } from 'react';
import { useMessengerContext } from '../app/messenger-context';
import { useCalls } from '../calls/calls-context';
import { conversationTitle, messagePreview } from '../conversations/conversation-info';
import { newMessageAlert, permissionPrompt } from './notification-rules';
import { playMessageChime, startRingtone, unlockSounds } from './sounds';

/**
 * `data-testid`s of the notifications UI:
 *   notifications-prompt    "Get notified of new messages?" (after the user's first message, until answered)
 *   notifications-enable    asks the browser for permission
 *   notifications-dismiss   "Not now" (remembered on this device)
 */
export const NotificationIds = {
  prompt: 'notifications-prompt',
  enable: 'notifications-enable',
  dismiss: 'notifications-dismiss',
} as const;

const DISMISSED_KEY = 'parley.notifications.dismissed';
const CHIME_GAP_MS = 1500;

function notificationApi(): typeof Notification | undefined {
  return (globalThis as { Notification?: typeof Notification }).Notification;
}

function pageVisible(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

function desktopNotify(title: string, body: string, tag: string, onClick: () => void): void {
  const Api = notificationApi();
  if (!Api || Api.permission !== 'granted') return;
  try {
    const n = new Api(title, { body, tag });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // Some platforms only allow notifications from a service worker: the sound and the title remain.
  }
}

/**
 * Sounds, desktop notifications and the ringtone: a chime (and, out of view, a desktop notification) for
 * new messages in conversations that are not open and not muted, a ring while a call is incoming, and a
 * one-time offer to enable desktop notifications once the user has sent a message — never on page load.
 */
export function NotificationCenter({
  selectedId,
  onOpen,
}: {
  selectedId: string | null;
  onOpen: (conversationId: string) => void;
}) {
  const { messenger } = useMessengerContext();
  const { ringing } = useCalls();
  const selected = useRef(selectedId);
  selected.current = selectedId;
  const open = useRef(onOpen);
  open.current = onOpen;
  const [sentAMessage, setSentAMessage] = useState(false);
  const [permission, setPermission] = useState(() => notificationApi()?.permission ?? 'denied');
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(DISMISSED_KEY) === '1');

  // Browsers start audio only after a gesture: the first click or key in the app enables the sounds.
  useEffect(() => {
    const unlock = () => unlockSounds();
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);

  useEffect(() => {
    let lastChime = 0;
    return messenger.on('messageSent', ({ conversation, message }) => {
      if (message.senderId === messenger.user.id) {
        setSentAMessage(true);
        return;
      }
      const alert = newMessageAlert({
        ownMessage: false,
        conversationMuted: (conversation as { muted?: boolean }).muted === true,
        conversationOpen: conversation.id === selected.current,
        pageVisible: pageVisible(),
        desktopAllowed: notificationApi()?.permission === 'granted',
      });
      if (alert.sound && Date.now() - lastChime > CHIME_GAP_MS) {
        lastChime = Date.now();
        playMessageChime();
      }
      if (alert.desktop) {
        const sender = conversation.participants.find((p) => p.userId === message.senderId)?.displayName;
        const title =
          conversation.type === 'direct'
            ? (sender ?? 'New message')
            : conversationTitle(conversation, messenger.user.id);
        const body = `${conversation.type === 'direct' || !sender ? '' : `${sender}: `}${messagePreview(message.toJSON())}`;
        desktopNotify(title, body, `conversation-${conversation.id}`, () => open.current(conversation.id));
      }
    });
  }, [messenger]);

  // The ringtone plays while any call rings here; out of view a desktop notification says who calls.
  const ringingIds = ringing.map((c) => c.id).join(',');
  useEffect(() => {
    if (!ringingIds) return;
    const stop = startRingtone();
    if (!pageVisible()) {
      const call = ringing[0];
      desktopNotify(
        'Incoming call',
        call?.from ?? 'Unknown number',
        `call-${call?.id ?? ''}`,
        () => undefined,
      );
    }
    return stop;
  }, [ringingIds]); // the ids stand for the ringing calls

  const prompt = permissionPrompt({
    supported: !!notificationApi(),
    permission,
    sentAMessage,
    dismissed,
  });
  if (prompt === 'hidden') return null;
  return (
    <div
      className="notifications-prompt"
      role="dialog"
      aria-label="Desktop notifications"
      data-testid={NotificationIds.prompt}
    >
      <span>Get a notification when a message arrives while Parley is in the background?</span>
      <button
        type="button"
        className="button button-sm button-primary"
        onClick={() => {
          void notificationApi()
            ?.requestPermission()
            .then((p) => setPermission(p));
        }}
        data-testid={NotificationIds.enable}
      >
        Enable
      </button>
      <button
        type="button"
        className="button button-sm"
        onClick={() => {
          localStorage.setItem(DISMISSED_KEY, '1');
          setDismissed(true);
        }}
        data-testid={NotificationIds.dismiss}
      >
        Not now
      </button>
    </div>
  );
}
