import { useId, useRef, useState, type FormEvent } from 'react';
import { isE164, Messenger, normalizeMsisdn, ParleyApiError, type Session } from '@parley/sdk';
import { describeError } from '../app/errors';
import { TestIds } from '../app/test-ids';
import { IconAlert, IconMessage, IconUsers, IconVideo } from '../ui/icons';
import { DEMO_PASSWORD, DemoBanner } from './DemoBanner';

type Mode = 'login' | 'signup';

interface AuthScreenProps {
  baseUrl: string;
  /** The server has the demo users (/config.json's demoUsers): offer them one click away. */
  demoUsers: boolean;
  /** Shown above the form, e.g. "Your session has expired". */
  notice?: string | undefined;
  onAuthenticated: (session: Session) => void;
}

const USERNAME_PATTERN = '[a-z0-9][a-z0-9._\\-]*';

function authErrorMessage(err: unknown, mode: Mode): string {
  if (err instanceof ParleyApiError) {
    if (mode === 'login' && (err.code === 'invalid_grant' || err.status === 400 || err.status === 401)) {
      return 'Wrong username or password.';
    }
    if (mode === 'signup' && err.status === 409)
      return /msisdn/i.test(err.message)
        ? 'That phone number already belongs to another account.'
        : 'That username is taken. Pick another one.';
  }
  return describeError(
    err,
    mode === 'login' ? 'Could not log in. Please try again.' : 'Could not create the account.',
  );
}

export function AuthScreen({ baseUrl, demoUsers, notice, onAuthenticated }: AuthScreenProps) {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [msisdn, setMsisdn] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<'form' | string>();
  const usernameRef = useRef<HTMLInputElement>(null);
  const ids = {
    username: useId(),
    password: useId(),
    displayName: useId(),
    msisdn: useId(),
    error: useId(),
  };

  const run = async (who: 'form' | string, action: () => Promise<Session>, errorMode: Mode) => {
    setBusy(who);
    setError(undefined);
    try {
      onAuthenticated(await action());
    } catch (err) {
      setError(authErrorMessage(err, errorMode));
      setBusy(undefined);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const name = username.trim().toLowerCase();
    if (!name || !password) {
      setError('Enter your username and password.');
      return;
    }
    if (mode === 'signup') {
      if (name.length < 3 || name.length > 32 || !new RegExp(`^${USERNAME_PATTERN}$`).test(name)) {
        setError('Usernames are 3–32 characters: lowercase letters, digits, dot, dash and underscore.');
        return;
      }
      if (password.length < 8) {
        setError('Choose a password of at least 8 characters.');
        return;
      }
      const phone = normalizeMsisdn(msisdn);
      if (phone && !isE164(phone)) {
        setError('Enter the phone number in international format, e.g. +4790000001 (or leave it empty).');
        return;
      }
      void run(
        'form',
        () =>
          Messenger.signUp(baseUrl, {
            username: name,
            password,
            ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
            ...(phone ? { msisdn: phone } : {}),
          }),
        'signup',
      );
    } else {
      void run('form', () => Messenger.login(baseUrl, name, password), 'login');
    }
  };

  const switchMode = (next: Mode) => {
    setMode(next);
    setError(undefined);
    usernameRef.current?.focus();
  };

  return (
    <div className="auth-page" data-testid={TestIds.authScreen}>
      <div className="auth-hero">
        <div className="brand brand-lg">
          <img src="/favicon.svg" alt="" width={44} height={44} />
          <span>Parley</span>
        </div>
        <p className="auth-tagline">
          Conversations, groups and channels — live on every device, even after a reload.
        </p>
        <ul className="auth-features">
          <li>
            <IconMessage />
            Messages arrive live, in order, with nothing lost across reconnects
          </li>
          <li>
            <IconUsers />
            Direct chats, groups and public channels with read state on every device
          </li>
          <li>
            <IconVideo />
            Calls, images and attachments as typed message parts
          </li>
        </ul>
      </div>

      <main className="auth-card">
        <div className="segmented" role="tablist" aria-label="Log in or sign up">
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'login'}
            className={mode === 'login' ? 'active' : ''}
            onClick={() => switchMode('login')}
            data-testid={TestIds.authModeLogin}
          >
            Log in
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'signup'}
            className={mode === 'signup' ? 'active' : ''}
            onClick={() => switchMode('signup')}
            data-testid={TestIds.authModeSignup}
          >
            Sign up
          </button>
        </div>

        {notice && !error && (
          <p className="notice" role="status" data-testid={TestIds.authNotice}>
            {notice}
          </p>
        )}

        <form className="form" onSubmit={submit} noValidate aria-describedby={error ? ids.error : undefined}>
          <div className="field">
            <label htmlFor={ids.username}>Username</label>
            <input
              ref={usernameRef}
              id={ids.username}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              minLength={mode === 'signup' ? 3 : 1}
              maxLength={32}
              pattern={mode === 'signup' ? USERNAME_PATTERN : undefined}
              title={mode === 'signup' ? 'Lowercase letters, digits, dot, dash and underscore' : undefined}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
              data-testid={TestIds.authUsername}
            />
          </div>
          {mode === 'signup' && (
            <div className="field">
              <label htmlFor={ids.displayName}>Display name</label>
              <input
                id={ids.displayName}
                name="displayName"
                autoComplete="name"
                maxLength={100}
                placeholder="How others see you"
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
                data-testid={TestIds.authDisplayName}
              />
            </div>
          )}
          {mode === 'signup' && (
            <div className="field">
              <label htmlFor={ids.msisdn}>Phone number (optional, for calls)</label>
              <input
                id={ids.msisdn}
                name="msisdn"
                type="tel"
                inputMode="tel"
                autoComplete="tel"
                placeholder="+4790000001"
                value={msisdn}
                onChange={(e) => setMsisdn(e.target.value)}
                data-testid={TestIds.authMsisdn}
              />
            </div>
          )}
          <div className="field">
            <label htmlFor={ids.password}>Password</label>
            <input
              id={ids.password}
              name="password"
              type="password"
              autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
              required
              minLength={mode === 'signup' ? 8 : 1}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              placeholder={mode === 'signup' ? 'At least 8 characters' : undefined}
              data-testid={TestIds.authPassword}
            />
          </div>

          {error && (
            <p className="form-error" role="alert" id={ids.error} data-testid={TestIds.authError}>
              <IconAlert size={16} />
              <span>{error}</span>
            </p>
          )}

          <button
            type="submit"
            className="button button-primary button-block"
            disabled={busy !== undefined}
            data-testid={TestIds.authSubmit}
          >
            {busy === 'form'
              ? mode === 'login'
                ? 'Logging in…'
                : 'Creating account…'
              : mode === 'login'
                ? 'Log in'
                : 'Create account'}
          </button>
        </form>

        {demoUsers && (
          <DemoBanner
            busyUsername={busy && busy !== 'form' ? busy : undefined}
            disabled={busy !== undefined}
            onLogin={(name) => {
              setMode('login');
              setUsername(name);
              setPassword(DEMO_PASSWORD);
              void run(name, () => Messenger.login(baseUrl, name, DEMO_PASSWORD), 'login');
            }}
          />
        )}
        <p className="auth-server">
          Server: <code>{baseUrl}</code>
        </p>
      </main>
    </div>
  );
}
