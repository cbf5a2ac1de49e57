import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ClientWithSecret, ClientList, TokenResponse } from '@parley/protocol';
import { startMessagingForTests, type MessagingForTests } from '@parley/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const ADMIN = { id: 'ops', secret: 'ops-secret-0123456789abcdef', scopes: ['admin'] };

let messaging: MessagingForTests;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `parley` bin as an operator would, with the admin client's credentials unless told. */
async function parley(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        PARLEY_URL: messaging.url,
        PARLEY_ADMIN_CLIENT_ID: ADMIN.id,
        PARLEY_ADMIN_CLIENT_SECRET: ADMIN.secret,
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function tokenStatus(id: string, secret: string): Promise<number> {
  const res = await fetch(`${messaging.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
  });
  if (res.ok) TokenResponse.parse(await res.json());
  else await res.body?.cancel();
  return res.status;
}

beforeAll(async () => {
  messaging = await startMessagingForTests({ label: 'cli', oauthClients: [ADMIN] });
});
afterAll(async () => messaging?.stop());

describe('parley clients', () => {
  it('creates a client and prints its secret once, which then gets a token', async () => {
    const run = await parley([
      'clients',
      'create',
      '--name',
      'crm',
      '--scopes',
      'server.messages,webhooks.manage',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Created crm-[0-9a-f]{8} {2}crm\n {2}scopes: {2}server\.messages webhooks\.manage\n/,
    );
    expect(run.stdout).toContain('shown this once');
    const secret = run.stdout.trim().split('\n').at(-1)!;
    const id = /^Created (\S+)/.exec(run.stdout)![1]!;
    expect(await tokenStatus(id, secret)).toBe(200);

    const list = await parley(['clients', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${id}  crm`);
    expect(list.stdout).not.toContain(secret);
  });

  it('rotates and revokes, answering JSON with --json', async () => {
    const created = ClientWithSecret.parse(
      JSON.parse(
        (await parley(['clients', 'create', '--name', 'billing', '--scopes', 'server.events.read', '--json']))
          .stdout,
      ),
    );
    const rotated = ClientWithSecret.parse(
      JSON.parse((await parley(['clients', 'rotate', created.client.id, '--json'])).stdout),
    );
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    expect(await tokenStatus(created.client.id, rotated.clientSecret)).toBe(200);
    expect(await tokenStatus(created.client.id, created.clientSecret)).toBe(200);

    const revoke = await parley(['clients', 'revoke', created.client.id]);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain(`Revoked ${created.client.id}`);
    expect(await tokenStatus(created.client.id, rotated.clientSecret)).toBe(401);
    const list = ClientList.parse(JSON.parse((await parley(['clients', 'list', '--json'])).stdout));
    expect(list.clients.map((c) => c.id)).not.toContain(created.client.id);
  });

  it('says what messaging refused, with exit code 1', async () => {
    const unknownScope = await parley(['clients', 'create', '--name', 'x', '--scopes', 'root']);
    expect(unknownScope.code).toBe(1);
    expect(unknownScope.stderr).toContain('messaging refused (400');
    expect(unknownScope.stderr).toContain('root');
    const unknownClient = await parley(['clients', 'revoke', 'no-such-client']);
    expect(unknownClient.code).toBe(1);
    expect(unknownClient.stderr).toContain('404');
    const wrongSecret = await parley(['clients', 'list'], {
      PARLEY_ADMIN_CLIENT_SECRET: 'wrong-secret-000000000',
    });
    expect(wrongSecret.code).toBe(1);
  });

  it('prints usage and exits 2 when called wrongly', async () => {
    for (const args of [
      ['clients'],
      ['clients', 'create', '--name', 'x'],
      ['clients', 'rotate'],
      ['clients', 'frobnicate'],
      ['servers', 'list'],
      ['clients', 'list', '--colour'],
    ]) {
      const run = await parley(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain('Usage: parley clients');
    }
    const noUrl = await parley(['clients', 'list'], { PARLEY_URL: '' });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('PARLEY_URL is not set');
    const help = await parley(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('clients create --name');
  });
});
