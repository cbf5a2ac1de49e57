import { describe, expect, it } from 'vitest';
import { TerminalErrorCode, WebTerminalMessage } from '@parley/protocol';
import {
  decodeTerminalMessage,
  encodeTerminalMessage,
  isE164,
  normalizeMsisdn,
  TerminalMessages as M,
  terminalErrorName,
} from './terminal-messages.js';
import { terminalSocketUrl } from './terminal-connection.js';
import { sdpCandidateCount, sdpFingerprint, sdpHasVideo } from './sdp.js';

const id = '6f1c1c8e-6a43-4a58-9d1f-2a7b3e9d0c11';

describe('terminal message encoding (canonical JSON, one message per frame)', () => {
  it('encodes what a terminal sends exactly as the bridge expects', () => {
    expect(JSON.parse(encodeTerminalMessage(M.offer(id, 'v=0\r\n', '+4790000002')))).toEqual({
      offer: { sdp: 'v=0\r\n', msisdn: { e164: '+4790000002' } },
      callId: id,
    });
    expect(JSON.parse(encodeTerminalMessage(M.offer(id, 'v=0')))).toEqual({
      offer: { sdp: 'v=0' },
      callId: id,
    });
    expect(JSON.parse(encodeTerminalMessage(M.answer(id, 'v=0')))).toEqual({
      answer: { sdp: 'v=0' },
      callId: id,
    });
    expect(JSON.parse(encodeTerminalMessage(M.ringing(id)))).toEqual({ ringing: {}, callId: id });
    expect(JSON.parse(encodeTerminalMessage(M.bye(id, 'rejected')))).toEqual({
      bye: { reason: 'rejected' },
      callId: id,
    });
    expect(JSON.parse(encodeTerminalMessage(M.toPhone(id)))).toEqual({ action: { toPhone: {} }, callId: id });
  });

  it('decodes what the core sends', () => {
    expect(decodeTerminalMessage(`{"inCall":{"msisdn":{"e164":"+4790000001"}},"callId":"${id}"}`)).toEqual({
      callId: id,
      message: { $case: 'inCall', value: { msisdn: { e164: '+4790000001' } } },
    });
    expect(decodeTerminalMessage(`{"idle":{},"callId":"${id}"}`)?.message?.$case).toBe('idle');
    expect(decodeTerminalMessage('{"idle":{}}')).toEqual({
      callId: '',
      message: { $case: 'idle', value: {} },
    });
    expect(decodeTerminalMessage(`{"bye":{"reason":"answered_elsewhere"},"callId":"${id}"}`)).toEqual({
      callId: id,
      message: { $case: 'bye', value: { reason: 'answered_elsewhere' } },
    });
    // A Bye with the default reason carries none on the wire.
    expect(decodeTerminalMessage(`{"bye":{},"callId":"${id}"}`)?.message).toEqual({
      $case: 'bye',
      value: { reason: '' },
    });
    const error = decodeTerminalMessage(
      `{"error":{"err":"INVALID_CALL_ID","message":"no such call"},"callId":"${id}"}`,
    );
    expect(error?.message).toEqual({
      $case: 'error',
      value: { err: TerminalErrorCode.INVALID_CALL_ID, message: 'no such call' },
    });
    // canonical JSON leaves out err 0 (UNKNOWN)
    const unknown = decodeTerminalMessage('{"error":{"message":"frames are WebTerminalMessage"}}');
    expect(unknown?.message?.$case === 'error' && terminalErrorName(unknown.message.value.err)).toBe(
      'UNKNOWN',
    );
  });

  it('accepts the proto field names too (in_call, call_id)', () => {
    expect(decodeTerminalMessage(`{"in_call":{"msisdn":{"e164":"+4790000001"}},"call_id":"${id}"}`)).toEqual({
      callId: id,
      message: { $case: 'inCall', value: { msisdn: { e164: '+4790000001' } } },
    });
  });

  it('round-trips every message through the shared codec', () => {
    for (const message of [
      M.offer(id, 'sdp', '+4790000003'),
      M.answer(id, 's'),
      M.bye(id, 'moved'),
      M.toPhone(id),
    ]) {
      expect(decodeTerminalMessage(encodeTerminalMessage(message))).toEqual(
        WebTerminalMessage.fromJSON(WebTerminalMessage.toJSON(message)),
      );
    }
  });

  it('skips frames that are not a known message instead of failing', () => {
    expect(decodeTerminalMessage('not json')).toBeUndefined();
    expect(decodeTerminalMessage('[1,2]')).toBeUndefined();
    expect(decodeTerminalMessage('null')).toBeUndefined();
    expect(decodeTerminalMessage(`{"somethingNew":{},"callId":"${id}"}`)).toBeUndefined();
  });

  it('names error codes as canonical JSON does', () => {
    expect(terminalErrorName(TerminalErrorCode.TRY_AGAIN)).toBe('TRY_AGAIN');
    expect(terminalErrorName(TerminalErrorCode.NOT_INCALL)).toBe('NOT_INCALL');
  });
});

describe('msisdn and URL helpers', () => {
  it('checks and normalises E.164 numbers', () => {
    expect(isE164('+4790000002')).toBe(true);
    expect(isE164('4790000002')).toBe(false);
    expect(isE164('+0790000002')).toBe(false);
    expect(normalizeMsisdn(' +47 900-00 (002) ')).toBe('+4790000002');
  });

  it('builds the bridge URL with the token and mode', () => {
    const url = new URL(terminalSocketUrl('ws://127.0.0.1:4302', 'a b', 'multi'));
    expect(url.pathname).toBe('/v1/terminal');
    expect(url.searchParams.get('access_token')).toBe('a b');
    expect(url.searchParams.get('mode')).toBe('multi');
    expect(new URL(terminalSocketUrl('wss://x/core/v1/terminal/', 't', 'pipe')).pathname).toBe(
      '/core/v1/terminal/',
    );
    expect(new URL(terminalSocketUrl('wss://x/core/', 't', 'pipe')).pathname).toBe('/core/v1/terminal');
  });
});

describe('SDP reads', () => {
  const sdp = [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    'a=fingerprint:sha-256 AB:CD:EF',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host',
    'a=candidate:2 1 udp 2122260223 10.0.0.2 50001 typ host',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    '',
  ].join('\r\n');
  it('finds video, the fingerprint and the candidates', () => {
    expect(sdpHasVideo(sdp)).toBe(true);
    expect(sdpHasVideo(sdp.replace('m=video', 'm=application'))).toBe(false);
    expect(sdpFingerprint(sdp)).toBe('sha-256 ab:cd:ef');
    expect(sdpFingerprint('v=0')).toBeUndefined();
    expect(sdpCandidateCount(sdp)).toBe(2);
  });
});
