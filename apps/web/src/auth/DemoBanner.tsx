import { TestIds } from '../app/test-ids';
import { Avatar } from '../ui/Avatar';

export const DEMO_PASSWORD = 'parley-demo';
export const DEMO_USERS = [
  { username: 'alice', displayName: 'Alice Example' },
  { username: 'bob', displayName: 'Bob Example' },
  { username: 'carol', displayName: 'Carol Example' },
] as const;

interface DemoBannerProps {
  busyUsername: string | undefined;
  disabled: boolean;
  onLogin: (username: string) => void;
}

/** The demo users the server seeds, each one click away. Open two windows to chat with yourself. */
export function DemoBanner({ busyUsername, disabled, onLogin }: DemoBannerProps) {
  return (
    <section className="demo-banner" data-testid={TestIds.demoBanner} aria-labelledby="demo-banner-title">
      <div className="demo-banner-text">
        <h2 id="demo-banner-title">Log in as a demo user</h2>
        <p>
          <strong>alice</strong>, <strong>bob</strong> and <strong>carol</strong> share the password{' '}
          <code>{DEMO_PASSWORD}</code>. Open a second window as someone else to see messages arrive live.
        </p>
      </div>
      <div className="demo-banner-users">
        {DEMO_USERS.map((u) => (
          <button
            key={u.username}
            type="button"
            className="demo-user"
            data-testid={TestIds.demoLogin}
            data-username={u.username}
            disabled={disabled}
            aria-busy={busyUsername === u.username}
            aria-label={`Log in as ${u.displayName.split(' ')[0]}`}
            title={`Log in as ${u.username}`}
            onClick={() => onLogin(u.username)}
          >
            {busyUsername === u.username ? (
              <span className="spinner spinner-sm" aria-hidden="true" />
            ) : (
              <Avatar seed={u.username} name={u.displayName} size="sm" />
            )}
            <span className="demo-user-name">{u.displayName.split(' ')[0]}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
