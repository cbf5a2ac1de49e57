import type { Logger } from '@parley/logger';

/** Demo accounts (documented in the README) so someone trying Parley can chat within a minute. */
export const DemoUsers = [
  { username: 'alice', password: 'parley-demo', displayName: 'Alice Example', msisdn: '+4790000001' },
  { username: 'bob', password: 'parley-demo', displayName: 'Bob Example', msisdn: '+4790000002' },
  { username: 'carol', password: 'parley-demo', displayName: 'Carol Example', msisdn: '+4790000003' },
] as const;

/** Goes through the public sign-up route, so demo users are exactly what a real sign-up creates. */
export async function seedDemoUsers(baseUrl: string, logger: Logger): Promise<void> {
  for (const user of DemoUsers) {
    const res = await fetch(`${baseUrl}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    if (res.status !== 200 && res.status !== 201 && res.status !== 409) {
      logger.warn({ status: res.status, username: user.username }, 'demo user not created');
    }
  }
  logger.info({ users: DemoUsers.map((u) => u.username) }, 'demo users ready (password: parley-demo)');
}
