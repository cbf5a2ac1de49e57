import { z } from 'zod';
import { CustomData, Timestamp } from '../common.js';

/**
 * Voice negotiation: `start` asks an identity to call the issuer back on the same `cid`, `accept` answers
 * with the answerer's connection details, `busy` refuses, `stop` hangs up. `setup` announces a call before
 * it rings (with the caller's display name) and `summary` closes it (with its duration).
 */
export const VoiceSignalKind = z.enum(['setup', 'start', 'accept', 'busy', 'stop', 'summary']);
export type VoiceSignalKind = z.infer<typeof VoiceSignalKind>;

/** Who a signal is from or to: a user id (UUID) or a machine client id (letters, digits, `._:-`). */
export const VoiceIdentity = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'must be a user id or a client id');
export type VoiceIdentity = z.infer<typeof VoiceIdentity>;

export const VoiceIdentityKind = z.enum(['user', 'client']);
export type VoiceIdentityKind = z.infer<typeof VoiceIdentityKind>;

/** A call's id, chosen by whoever starts it. */
export const VoiceCallId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'must contain only letters, digits and ._:-');

/** The sender's connection details, e.g. a complete (non-trickle) SDP offer or answer. */
export const PeerInfo = z.string().min(1).max(32 * 1024);

/** Free data carried along (`operator_name`, `caller_name`, `duration_seconds`, …). */
export const VoiceData = CustomData;
export type VoiceData = z.infer<typeof VoiceData>;

const carriesPeerInfo: ReadonlySet<VoiceSignalKind> = new Set(['start', 'accept']);

/** `POST /v1/voice/signals`: one signal to one identity. */
export const SendVoiceSignalRequest = z
  .strictObject({
    kind: VoiceSignalKind,
    to: VoiceIdentity,
    cid: z.uuid(),
    call_id: VoiceCallId,
    peer_info: PeerInfo.optional(),
    data: VoiceData.optional(),
    /** Chosen by the sender so a retried send is recognised; receivers drop a signal id they have seen. */
    id: z.uuid().optional(),
  })
  .superRefine((signal, ctx) => {
    if (signal.peer_info !== undefined && !carriesPeerInfo.has(signal.kind))
      ctx.addIssue({
        code: 'custom',
        path: ['peer_info'],
        message: `a ${signal.kind} signal carries no peer_info`,
      });
  });
export type SendVoiceSignalRequest = z.infer<typeof SendVoiceSignalRequest>;

/** A signal as its recipient's devices receive it and as the bus carries it. */
export const VoiceSignal = z.object({
  id: z.uuid(),
  kind: VoiceSignalKind,
  /** The issuer: a participant of `cid`, or a machine client (a voice proxy) speaking as itself. */
  iss: VoiceIdentity,
  issKind: VoiceIdentityKind,
  to: VoiceIdentity,
  toKind: VoiceIdentityKind,
  cid: z.uuid(),
  call_id: VoiceCallId,
  peer_info: PeerInfo.optional(),
  data: VoiceData.optional(),
  sentAt: Timestamp,
});
export type VoiceSignal = z.infer<typeof VoiceSignal>;

export const SendVoiceSignalResponse = z.object({
  signal: VoiceSignal,
  /** Whether a device (or client connection) of the recipient was connected to receive it live. */
  delivered: z.boolean(),
});
export type SendVoiceSignalResponse = z.infer<typeof SendVoiceSignalResponse>;

/** `voice.signal.v1` on the event bus: every accepted signal, with whether it reached a live connection. */
export const VoiceSignalEvent = VoiceSignal.extend({ delivered: z.boolean() });
export type VoiceSignalEvent = z.infer<typeof VoiceSignalEvent>;
