import { useEffect, useState } from 'react';
import type { PushNotificationPayload, PushSubscriptionRecord } from '@parley/protocol';
import { describeError } from '../app/errors';
import { useMessenger } from '../app/messenger-context';
import { ProviderCallIds } from '../provider-calls/ids';
import { useProviderCalls } from '../provider-calls/provider-calls-context';
import { IconBellOff } from '../conversation-settings/settings-icons';
import { IconX } from '../ui/icons';
import { useToast } from '../ui/toast';
import {
  pushFromServiceWorker,
  pushSupported,
  subscribeMissedCalls,
  unsubscribeMissedCalls,
} from './missed-call-push';

/**
 * "Notify me about missed calls": subscribes this browser for the gateway's pushes. Once the user allowed
 * notifications, every log-in subscribes again by itself (the gateway keeps one record per browser).
 */
export function MissedCallPushToggle() {
  const messenger = useMessenger();
  const calls = useProviderCalls();
  const toast = useToast();
  const [record, setRecord] = useState<PushSubscriptionRecord>();
  const [working, setWorking] = useState(false);
  const available = !!calls && pushSupported();

  useEffect(() => {
    if (!available || Notification.permission !== 'granted') return;
    let live = true;
    subscribeMissedCalls(messenger).then(
      (made) => live && setRecord(made),
      () => undefined, // No push service reachable: the toggle stays off and says why when clicked.
    );
    return () => {
      live = false;
    };
  }, [available, messenger]);

  if (!available) return null;

  const toggle = async () => {
    setWorking(true);
    try {
      if (record) {
        await unsubscribeMissedCalls(messenger, record);
        setRecord(undefined);
      } else {
        if ((await Notification.requestPermission()) !== 'granted') {
          toast('Notifications are blocked for this site', 'info');
          return;
        }
        setRecord(await subscribeMissedCalls(messenger));
      }
    } catch (err) {
      toast(`Could not change missed-call alerts: ${describeError(err)}`);
    } finally {
      setWorking(false);
    }
  };

  return (
    <button
      type="button"
      className={`icon-button missed-call-push-toggle${record ? ' on' : ''}`}
      onClick={() => void toggle()}
      disabled={working}
      aria-pressed={!!record}
      aria-label="Notify me about missed calls"
      title={record ? 'Missed-call alerts are on (click to stop)' : 'Notify me about missed calls'}
      data-testid={ProviderCallIds.missedCallPushToggle}
    >
      {record ? <IconBell /> : <IconBellOff />}
    </button>
  );
}

function IconBell() {
  return (
    <svg
      width={18}
      height={18}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
      focusable={false}
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}

/** The pushes the service worker showed, in this page too, each opening its conversation. */
export function MissedCallNotices({ onOpen }: { onOpen: (conversationId: string) => void }) {
  const [notices, setNotices] = useState<readonly PushNotificationPayload[]>([]);

  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const onMessage = (event: MessageEvent) => {
      const payload = pushFromServiceWorker(event.data);
      if (payload)
        setNotices((list) => [...list.filter((n) => n.inviteId !== payload.inviteId), payload].slice(-3));
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, []);

  if (notices.length === 0) return null;
  const dismiss = (inviteId: string) => setNotices((list) => list.filter((n) => n.inviteId !== inviteId));
  return (
    <div className="missed-call-notices" aria-live="polite">
      {notices.map((notice) => (
        <div
          key={notice.inviteId}
          className="missed-call-notice"
          data-testid={ProviderCallIds.missedCallNotice}
          data-invite-id={notice.inviteId}
          data-conversation-id={notice.conversationId}
        >
          <button
            type="button"
            className="missed-call-open"
            onClick={() => {
              dismiss(notice.inviteId);
              onOpen(notice.conversationId);
            }}
          >
            <strong>{notice.title}</strong>
            <span>{notice.body}</span>
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => dismiss(notice.inviteId)}
          >
            <IconX size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
