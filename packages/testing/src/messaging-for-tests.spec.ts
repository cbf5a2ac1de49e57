import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectMessagingDevice } from './messaging-device.js';
import { messagingMainJs, startMessagingForTests } from './messaging-for-tests.js';
import { allocateTestNamespace } from './namespace.js';

describe('startMessagingForTests', () => {
  it('says how to build messaging when its entry point is missing, and leaves no namespace behind', async () => {
    await expect(
      startMessagingForTests({ label: 'unbuilt', mainJs: '/nowhere/apps/messaging/dist/main.js' }),
    ).rejects.toThrow(
      /messaging is not built \(\/nowhere\/apps\/messaging\/dist\/main\.js is missing\): run/,
    );
  });

  // The root test command builds every app first; alone, this file needs `npx turbo run build`.
  it.skipIf(!existsSync(messagingMainJs))(
    'serves sign-ups, machine tokens and devices in its own namespace, and cleans it up on stop',
    async () => {
      const machine = { id: 'testing-kit-client', secret: 'testing-kit-secret-0123456789' };
      const messaging = await startMessagingForTests({
        label: 'testing_kit',
        oauthClients: [{ ...machine, scopes: ['voice.proxy'] }],
      });
      try {
        expect(messaging.schema).toMatch(/^t_testing_kit_[0-9a-f]{8}$/);
        expect(messaging.redisPrefix).toBe(`ptest:${messaging.schema}`);

        const [ann, ann2] = await Promise.all([messaging.signUp('Ann Smith'), messaging.signUp('Ann Smith')]);
        expect(ann.user.username).toMatch(/^ann-smith-[0-9a-f]{10}$/);
        expect(ann2.user.id).not.toBe(ann.user.id);

        const token = await messaging.clientToken(machine);
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
          sub: string;
        };
        expect(claims.sub).toBe(machine.id);
        expect((await fetch(messaging.jwksUrl)).status).toBe(200);
        await expect(
          messaging.clientToken({ id: machine.id, secret: 'wrong-secret-0123456789' }),
        ).rejects.toThrow(/client token of testing-kit-client: 401/);

        const device = await connectMessagingDevice(messaging.url, ann.tokens.access_token);
        expect(device.rawFrames.some((f) => f.includes('"type":"ready"'))).toBe(true);
        expect(device.kinds('no-such-call')).toEqual([]);
        device.close();
        await expect(connectMessagingDevice(messaging.url, 'not-a-token')).rejects.toThrow();
      } finally {
        await messaging.stop();
      }
      expect(existsSync(messaging.ns.dir)).toBe(false);
      expect(messaging.service.child.exitCode !== null || messaging.service.child.signalCode !== null).toBe(
        true,
      );
    },
  );

  it.skipIf(!existsSync(messagingMainJs))('leaves a namespace it was given to its owner', async () => {
    const ns = allocateTestNamespace('testing_kit_shared');
    try {
      const messaging = await startMessagingForTests({ label: 'shared', ns });
      expect(messaging.redisPrefix).toBe(ns.redisPrefix);
      await messaging.stop();
      expect(existsSync(ns.dir)).toBe(true);
    } finally {
      await ns.cleanup();
    }
  });
});
