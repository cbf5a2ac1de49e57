import { parseArgs } from 'node:util';
import type { MachineClient } from '@parley/protocol';
import {
  AdminClientsApi,
  ClientCredentialsTokens,
  MessagingUnavailableError,
  ParleyRequestError,
} from '@parley/server-sdk';

/** Where the command writes; the bin passes the process's streams, tests may pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A mistake in how the command was called: usage is printed, exit code 2. */
class UsageError extends Error {}

export const USAGE = `Usage: parley clients <command> [options]

Machine clients of a Parley deployment, through messaging's admin API.

Commands:
  clients create --name <name> --scopes <scope,scope,...>   a new client; prints its secret once
  clients list                                             the clients not revoked
  clients rotate <id>                                      a new secret; the old one works for the overlap
  clients revoke <id>                                      its token requests fail from now on

Options:
  --json    print messaging's answer as JSON
  --help    this text

Environment:
  PARLEY_URL                   messaging's base URL, e.g. http://localhost:3001
  PARLEY_ADMIN_CLIENT_ID       a machine client holding the admin scope
  PARLEY_ADMIN_CLIENT_SECRET   its secret
`;

function requireEnv(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new UsageError(`${name} is not set`);
  return value;
}

function adminApi(env: Record<string, string | undefined>): AdminClientsApi {
  const messagingUrl = requireEnv(env, 'PARLEY_URL').replace(/\/+$/, '');
  const tokens = new ClientCredentialsTokens({
    messagingUrl,
    clientId: requireEnv(env, 'PARLEY_ADMIN_CLIENT_ID'),
    clientSecret: requireEnv(env, 'PARLEY_ADMIN_CLIENT_SECRET'),
  });
  return new AdminClientsApi({ messagingUrl, tokens, timeoutMs: 15_000 });
}

function describeClient(client: MachineClient): string {
  return [
    `${client.id}  ${client.name}`,
    `  scopes:  ${client.scopes.join(' ')}`,
    `  created: ${client.createdAt}${client.secretRotatedAt ? `, secret rotated ${client.secretRotatedAt}` : ''}`,
  ].join('\n');
}

function secretNotice(secret: string): string {
  return `\nClient secret (shown this once; store it now):\n${secret}\n`;
}

/**
 * Runs `parley` with `argv` (without node and the script) and answers its exit code: 0 done, 1 refused or
 * failed, 2 called wrongly.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        scopes: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [group, command, ...rest] = positionals;
    if (values.help || group === undefined) {
      io.stdout(USAGE);
      return 0;
    }
    if (group !== 'clients') throw new UsageError(`unknown command: ${group}`);
    const print = (json: unknown, text: string) =>
      io.stdout(values.json ? `${JSON.stringify(json, null, 2)}\n` : text);
    const oneId = (): string => {
      if (rest.length !== 1) throw new UsageError(`clients ${command} takes one client id`);
      return rest[0]!;
    };
    switch (command) {
      case 'create': {
        if (rest.length > 0) throw new UsageError('clients create takes no positional arguments');
        if (!values.name) throw new UsageError('clients create needs --name');
        if (!values.scopes) throw new UsageError('clients create needs --scopes');
        const scopes = values.scopes
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
        const created = await adminApi(env).create({ name: values.name, scopes });
        print(created, `Created ${describeClient(created.client)}\n${secretNotice(created.clientSecret)}`);
        return 0;
      }
      case 'list': {
        if (rest.length > 0) throw new UsageError('clients list takes no arguments');
        const clients = await adminApi(env).list();
        print(
          { clients },
          clients.length === 0 ? 'No clients.\n' : `${clients.map(describeClient).join('\n')}\n`,
        );
        return 0;
      }
      case 'rotate': {
        const rotated = await adminApi(env).rotateSecret(oneId());
        print(
          rotated,
          `Rotated the secret of ${describeClient(rotated.client)}\n` +
            `The previous secret keeps working until messaging's rotation overlap ends.\n` +
            secretNotice(rotated.clientSecret),
        );
        return 0;
      }
      case 'revoke': {
        const id = oneId();
        await adminApi(env).revoke(id);
        print(
          { revoked: id },
          `Revoked ${id}: its token requests fail from now on; tokens it already holds work until they expire.\n`,
        );
        return 0;
      }
      default:
        throw new UsageError(
          command === undefined ? 'clients needs a command' : `unknown command: clients ${command}`,
        );
    }
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr(`parley: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ParleyRequestError) {
      io.stderr(`parley: messaging refused (${err.status} ${err.code}): ${err.message}\n`);
      return 1;
    }
    if (err instanceof MessagingUnavailableError) {
      io.stderr(`parley: messaging unavailable: ${err.message}\n`);
      return 1;
    }
    if (err instanceof Error && err.name === 'ZodError') {
      io.stderr(`parley: invalid input: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
