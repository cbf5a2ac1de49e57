import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession, VoiceSignal } from '@parley/protocol';
import { Messenger } from '@parley/sdk';
import { nodeWebSocket } from '@parley/sdk/node';
import { eventually, startMessagingForTests, startService, type MessagingForTests } from '@parley/testing';

const proxyMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const PROXY = { id: 'voice-proxy-example', secret: 'example-proxy-secret-0123456789' };

let messaging: MessagingForTests | undefined;
const messengers: Messenger[] = [];
let baseUrl = '';

beforeAll(async () => {
  messaging = await startMessagingForTests({
    label: 'voice_proxy_sdk',
    oauthClients: [{ ...PROXY, scopes: ['voice.proxy'] }],
  });
  baseUrl = messaging.url;
});

afterAll(async () => {
  await Promise.all(messengers.map((m) => m.close()));
  await messaging?.stop();
});

async function signUpAndConnect(name: string): Promise<{ session: AuthSession; messenger: Messenger }> {
  const session = await messaging!.signUp(name);
  const messenger = await Messenger.connect({ baseUrl, session, createWebSocket: nodeWebSocket });
  messengers.push(messenger);
  await messenger.synced();
  return { session, messenger };
}

/** Every signal a user's devices receive, in arrival order. */
function recordSignals(messenger: Messenger): VoiceSignal[] {
  const seen: VoiceSignal[] = [];
  const voice = messenger.voice();
  voice.onStart((_iss, _cid, _callId, _peerInfo, _data, signal) => void seen.push(signal));
  voice.onAccept((_iss, _cid, _callId, _peerInfo, _data, signal) => void seen.push(signal));
  for (const on of [voice.onBusy, voice.onStop, voice.onSetup, voice.onSummary])
    on.call(voice, (_iss, _cid, _callId, _data, signal) => void seen.push(signal));
  return seen;
}

const conversationShapes = [
  { shape: 'a group of operator and customer', withCustomer: true },
  {
    shape: 'a conversation only the operator is in (the proxy’s signals let the customer answer)',
    withCustomer: false,
  },
];

describe('the voice proxy example', () => {
  it.each(conversationShapes)(
    'relays a call both ways on $shape, and the customer only ever hears from the proxy',
    async ({ withCustomer }) => {
      const operator = await signUpAndConnect('operator');
      const customer = await signUpAndConnect('customer');
      const participants = withCustomer ? [customer.session.user.id] : [];
      const cid = (await operator.messenger.createConversation({ type: 'group', participants })).id;

      // One proxy per test: two connected with the same client id would both relay every signal.
      const proxy = await startService({
        name: 'voice proxy example',
        main: proxyMain,
        env: {
          PARLEY_URL: baseUrl,
          VOICE_PROXY_CLIENT_ID: PROXY.id,
          VOICE_PROXY_CLIENT_SECRET: PROXY.secret,
          OPERATOR_ID: operator.session.user.id,
          CUSTOMER_ID: customer.session.user.id,
          OPERATOR_NAME: 'Bob',
          LOG_LEVEL: 'info',
        },
        readyLine: (line) => line.includes('voice proxy ready'),
      });
      try {
        const atOperator = recordSignals(operator.messenger);
        const atCustomer = recordSignals(customer.messenger);
        const operatorVoice = operator.messenger.voice();
        const customerVoice = customer.messenger.voice();
        const arrived = (list: VoiceSignal[], kind: VoiceSignal['kind'], callId: string) =>
          eventually(() => list.find((s) => s.kind === kind && s.call_id === callId), `${kind} of ${callId}`);

        // The operator calls the customer through the proxy; the customer accepts; each side hangs up once.
        await operatorVoice.start(PROXY.id, cid, 'call-1', 'v=0 operator offer');
        const start = await arrived(atCustomer, 'start', 'call-1');
        expect(start).toMatchObject({
          iss: PROXY.id,
          issKind: 'client',
          cid,
          peer_info: 'v=0 operator offer',
          data: { operator_name: 'Bob' },
        });
        await customerVoice.accept(start.iss, cid, 'call-1', 'v=0 customer answer');
        expect(await arrived(atOperator, 'accept', 'call-1')).toMatchObject({
          iss: PROXY.id,
          cid,
          peer_info: 'v=0 customer answer',
        });
        await operatorVoice.stop(PROXY.id, cid, 'call-1');
        expect(await arrived(atCustomer, 'stop', 'call-1')).toMatchObject({ iss: PROXY.id, cid });
        await customerVoice.stop(PROXY.id, cid, 'call-1');
        expect(await arrived(atOperator, 'stop', 'call-1')).toMatchObject({ iss: PROXY.id, cid });

        // A second call: the customer is busy, then the operator gives up with busy too.
        await operatorVoice.start(PROXY.id, cid, 'call-2', 'v=0 second offer');
        await arrived(atCustomer, 'start', 'call-2');
        await customerVoice.busy(PROXY.id, cid, 'call-2');
        expect(await arrived(atOperator, 'busy', 'call-2')).toMatchObject({ iss: PROXY.id, cid });
        await operatorVoice.busy(PROXY.id, cid, 'call-2');
        expect(await arrived(atCustomer, 'busy', 'call-2')).toMatchObject({ iss: PROXY.id, cid });

        expect(atCustomer.map((s) => `${s.kind}:${s.call_id}`)).toEqual([
          'start:call-1',
          'stop:call-1',
          'start:call-2',
          'busy:call-2',
        ]);
        expect(atOperator.map((s) => `${s.kind}:${s.call_id}`)).toEqual([
          'accept:call-1',
          'stop:call-1',
          'busy:call-2',
        ]);
        expect(atCustomer.filter((s) => s.iss === operator.session.user.id)).toEqual([]);
        expect(new Set(atCustomer.map((s) => s.iss))).toEqual(new Set([PROXY.id]));
      } finally {
        await proxy.stop();
      }
    },
  );
});
