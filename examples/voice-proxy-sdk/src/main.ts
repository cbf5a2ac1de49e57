// A calling proxy between one operator and one customer: the operator's call reaches the customer from the
// proxy (the customer never learns the operator's id), and every answer is relayed back the same way.
import { createLogger } from '@parley/logger';
import { VoiceIdentity } from '@parley/protocol';
import { connectMachineClient } from '@parley/sdk/node';

const log = createLogger({ service: 'voice-proxy-sdk' });

/** A variable's value or its default; a missing one stops the proxy, naming the variable. */
function setting(name: string, fallback?: string): string {
  const value = process.env[name] || fallback;
  if (value === undefined) {
    log.fatal(`${name} is not set (see the README)`);
    process.exit(1);
  }
  return value;
}

/** A user id or client id, checked as the protocol checks the recipient of a signal. */
function identity(name: string): string {
  const parsed = VoiceIdentity.safeParse(setting(name));
  if (!parsed.success) {
    log.fatal(`${name} is invalid: ${parsed.error.issues[0]?.message}`);
    process.exit(1);
  }
  return parsed.data;
}

const operator = identity('OPERATOR_ID');
const customer = identity('CUSTOMER_ID');
const operatorName = setting('OPERATOR_NAME', 'Operator');

const client = await connectMachineClient({
  baseUrl: setting('PARLEY_URL', 'http://localhost:3001'),
  clientId: identity('VOICE_PROXY_CLIENT_ID'),
  clientSecret: setting('VOICE_PROXY_CLIENT_SECRET'),
  scope: 'voice.proxy',
}).catch((err: unknown) => {
  log.fatal(
    { err },
    'no token from the messaging service (is it running, are the client id and secret right?)',
  );
  process.exit(1);
});
const voice = client.voice();
/** Who hears about a stop or busy: the side that did not send it. */
const otherSide = (iss: string) => (iss === operator ? customer : iss === customer ? operator : undefined);

voice.onStart(async (iss, cid, callId, peerInfo) => {
  if (iss !== operator) return log.warn({ iss, cid, callId }, 'start not from the operator, ignored');
  log.info({ iss, cid, callId }, 'start from the operator, redirecting to the customer');
  await voice.start(customer, cid, callId, peerInfo, { operator_name: operatorName });
});

voice.onAccept(async (iss, cid, callId, peerInfo, data) => {
  if (iss !== customer) return log.warn({ iss, cid, callId }, 'accept not from the customer, ignored');
  log.info({ iss, cid, callId }, 'accept from the customer, redirecting to the operator');
  await voice.accept(operator, cid, callId, peerInfo, data);
});

voice.onStop(async (iss, cid, callId) => {
  const to = otherSide(iss);
  if (!to) return log.warn({ iss, cid, callId }, 'stop from a stranger, ignored');
  log.info({ iss, to, cid, callId }, 'stop, redirecting to the other side');
  await voice.stop(to, cid, callId);
});

voice.onBusy(async (iss, cid, callId) => {
  const to = otherSide(iss);
  if (!to) return log.warn({ iss, cid, callId }, 'busy from a stranger, ignored');
  log.info({ iss, to, cid, callId }, 'busy, redirecting to the other side');
  await voice.busy(to, cid, callId);
});

// A relay the server refused (or a handler that failed) is reported here; the proxy keeps running.
client.on('error', (err) => log.error({ err }, 'a signal could not be relayed'));
client.on('credentialsRefused', (err) => {
  log.fatal({ err }, 'the messaging service refused the client credentials');
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    client.close();
    process.exit(0);
  });

await client.ready();
log.info({ clientId: client.clientId, operator, customer }, 'voice proxy ready');
