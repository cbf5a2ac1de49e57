import { useId, useState, type FormEvent } from 'react';
import { isE164, normalizeMsisdn } from '@parley/sdk';
import { useMessengerContext, useMessengerRevision } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import { IconPhone, IconVideo } from '../ui/icons';
import { useCalls } from './calls-context';
import { useCallableContacts } from './contacts';

const STATUS = {
  online: { text: 'calls on', title: 'Registered: you can make and receive calls here' },
  connecting: { text: 'connecting', title: 'Registering with the call service…' },
  offline: { text: 'calls off', title: 'Cannot reach the call service; retrying automatically' },
} as const;

/** The sidebar's calls section: registration state, dialer, quick-dial contacts, calls on other devices. */
export function CallsPanel() {
  const { messenger } = useMessengerContext();
  const calls = useCalls();
  const revision = useMessengerRevision(messenger);
  const contacts = useCallableContacts(messenger, revision);
  const [number, setNumber] = useState('');
  const [video, setVideo] = useState(true);
  const [error, setError] = useState<string>();
  const ids = { input: useId(), error: useId() };

  if (!calls.msisdn) {
    return (
      <section className="calls-panel" data-testid={TestIds.callsPanel} aria-label="Calls">
        <p className="muted small calls-unavailable" data-testid={TestIds.callsUnavailable}>
          <IconPhone size={14} /> Calls need a phone number on your account (add one when signing up).
        </p>
      </section>
    );
  }

  const shown = calls.state === 'closed' ? 'offline' : calls.state;
  const busy = !!calls.current;
  const online = calls.state === 'online';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const to = normalizeMsisdn(number);
    if (!isE164(to)) {
      setError('Enter a number in international format, e.g. +4790000002.');
      return;
    }
    if (to === calls.msisdn) {
      setError('That is your own number.');
      return;
    }
    setError(undefined);
    void calls.dial(to, video);
  };

  return (
    <section className="calls-panel" data-testid={TestIds.callsPanel} aria-label="Calls">
      <div className="calls-panel-header">
        <span className="calls-panel-title">
          <IconPhone size={14} /> Calls <span className="muted">· {calls.msisdn}</span>
        </span>
        <span
          className={`status status-${shown}`}
          data-testid={TestIds.terminalStatus}
          data-state={shown}
          data-msisdn={calls.msisdn}
          title={STATUS[shown].title}
          role="status"
        >
          <span className="status-dot" aria-hidden="true" />
          {STATUS[shown].text}
        </span>
      </div>

      <form className="dialer" onSubmit={submit} noValidate>
        <label htmlFor={ids.input} className="sr-only">
          Number to call
        </label>
        <input
          id={ids.input}
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          placeholder="+47 900 00 002"
          value={number}
          onChange={(e) => {
            setNumber(e.target.value);
            setError(undefined);
          }}
          aria-invalid={!!error}
          aria-describedby={error ? ids.error : undefined}
          data-testid={TestIds.dialInput}
        />
        <label className="dialer-video" title="Call with video">
          <input
            type="checkbox"
            checked={video}
            onChange={(e) => setVideo(e.target.checked)}
            data-testid={TestIds.dialVideo}
          />
          <IconVideo size={16} />
          <span className="sr-only">Video</span>
        </label>
        <button
          type="submit"
          className="button button-primary button-sm"
          disabled={!online || busy || !number.trim()}
          title={!online ? 'Not connected to the call service' : busy ? 'Already in a call' : 'Call'}
          data-testid={TestIds.dialButton}
        >
          <IconPhone size={14} />
          Call
        </button>
      </form>
      {error && (
        <p id={ids.error} className="dialer-error" role="alert">
          {error}
        </p>
      )}

      {contacts.length > 0 && (
        <div className="dial-contacts" aria-label="Call someone from your conversations">
          {contacts.map((c) => (
            <button
              key={c.userId}
              type="button"
              className="dial-contact"
              disabled={!online || busy}
              onClick={() => void calls.dial(c.msisdn, video)}
              title={`Call ${c.displayName} (${c.msisdn})`}
              data-testid={TestIds.dialContact}
              data-msisdn={c.msisdn}
              data-username={c.username}
            >
              <IconPhone size={12} />
              {c.displayName}
            </button>
          ))}
        </div>
      )}

      {calls.others.length > 0 && (
        <ul className="other-calls" aria-label="Calls on your other devices">
          {calls.others.map((o) => (
            <li
              key={o.callId}
              className="other-call"
              data-testid={TestIds.otherDeviceCall}
              data-call-id={o.callId}
            >
              <span>
                <span className="other-call-dot" aria-hidden="true" />
                In a call on another device
              </span>
              <button
                type="button"
                className="button button-sm"
                disabled={!online || busy}
                onClick={() => void calls.pull(o.callId)}
                data-testid={TestIds.pullCallButton}
              >
                Pull here
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
