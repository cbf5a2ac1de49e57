import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import twilio from 'twilio';
import { listenRecording, postWebhook, sendJson, type RecordedProviderRequest } from './http-json.js';

/**
 * A local stand-in for the Twilio Video REST API (`/v1/Rooms`) and the status callbacks its rooms send.
 * Requests need HTTP Basic auth with the API key and secret (or the account sid and auth token), bodies are
 * form-encoded, answers are the Room JSON and error JSON Twilio publishes. Callbacks are signed with the
 * `twilio` package's own `getExpectedTwilioSignature`, over the URL and the sorted parameters.
 */

export interface FakeTwilioCredentials {
  accountSid: string;
  apiKey: string;
  apiSecret: string;
  authToken: string;
}

export interface FakeTwilioRoom {
  sid: string;
  uniqueName: string;
  status: 'in-progress' | 'completed';
  type: string;
  audioOnly: boolean;
  statusCallback: string | null;
  statusCallbackMethod: string;
  dateCreated: Date;
  endTime: Date | null;
}

export type TwilioRoomCallbackEvent =
  | 'room-created'
  | 'room-ended'
  | 'participant-connected'
  | 'participant-disconnected'
  | 'track-added'
  | 'track-removed'
  | 'recording-started'
  | 'recording-completed';

export interface TwilioRoomCallbackInput {
  event: TwilioRoomCallbackEvent;
  roomSid: string;
  roomName?: string;
  accountSid?: string;
  /** For participant events; a fresh PA… sid when left out. */
  participantSid?: string;
  identity?: string;
  /** For `room-ended`. */
  roomDurationSeconds?: number;
  /** Defaults to now. */
  timestamp?: Date;
  sequenceNumber?: number;
}

export interface FakeTwilioVideoServer {
  /** The base URL to configure as the adapter's `apiBaseUrl`. */
  readonly url: string;
  readonly credentials: FakeTwilioCredentials;
  /** Every request received, in order. */
  readonly requests: RecordedProviderRequest[];
  room(sidOrUniqueName: string): FakeTwilioRoom | undefined;
  /**
   * Signs a status callback of this room for the StatusCallback URL it was created with and POSTs it there,
   * or to `deliverTo` (the same gateway behind another address, as behind a tunnel or proxy). Returns the
   * response and the parameters sent, for re-sending or tampering.
   */
  sendRoomCallback(
    roomSid: string,
    callback: Omit<TwilioRoomCallbackInput, 'roomSid'>,
    options?: { deliverTo?: string },
  ): Promise<{ response: Response; params: Record<string, string>; signedUrl: string }>;
  close(): Promise<void>;
}

export function twilioSid(prefix: 'AC' | 'SK' | 'RM' | 'PA'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export function fakeTwilioCredentials(): FakeTwilioCredentials {
  return {
    accountSid: twilioSid('AC'),
    apiKey: twilioSid('SK'),
    apiSecret: randomBytes(16).toString('hex'),
    authToken: randomBytes(16).toString('hex'),
  };
}

/** The form parameters of a Rooms status callback, named as Twilio names them. */
export function twilioRoomCallbackParams(input: TwilioRoomCallbackInput): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: input.accountSid ?? twilioSid('AC'),
    RoomName: input.roomName ?? input.roomSid,
    RoomSid: input.roomSid,
    RoomStatus: input.event === 'room-ended' ? 'completed' : 'in-progress',
    RoomType: 'group',
    StatusCallbackEvent: input.event,
    Timestamp: (input.timestamp ?? new Date()).toISOString(),
    SequenceNumber: String(input.sequenceNumber ?? 0),
  };
  if (input.event.startsWith('participant-')) {
    params['ParticipantSid'] = input.participantSid ?? twilioSid('PA');
    params['ParticipantIdentity'] = input.identity ?? 'participant';
    params['ParticipantStatus'] = input.event === 'participant-connected' ? 'connected' : 'disconnected';
  }
  if (input.event === 'room-ended' && input.roomDurationSeconds !== undefined) {
    params['RoomDuration'] = String(input.roomDurationSeconds);
  }
  return params;
}

/** The X-Twilio-Signature Twilio puts on a form POST of `params` to `url`. */
export function signTwilioCallback(
  authToken: string,
  url: string,
  params: Record<string, string>,
  algorithm: string = twilio.HMAC_SHA1,
): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params, algorithm);
}

export interface SendTwilioCallbackInput {
  /** Where to POST (the gateway's status callback URL). */
  url: string;
  authToken: string;
  params: Record<string, string>;
  /** Sign another URL than the one posted to (a tampering test). */
  signedUrl?: string;
  /** Sign other parameters than the ones posted (a tampering test). */
  signedParams?: Record<string, string>;
  algorithm?: typeof twilio.HMAC_SHA1 | typeof twilio.HMAC_SHA256;
}

/** Signs a status callback as Twilio does and POSTs it form-encoded. */
export function sendTwilioCallback(input: SendTwilioCallbackInput): Promise<Response> {
  const algorithm = input.algorithm ?? twilio.HMAC_SHA1;
  const headers: Record<string, string> = {
    'x-twilio-signature': signTwilioCallback(
      input.authToken,
      input.signedUrl ?? input.url,
      input.signedParams ?? input.params,
      algorithm,
    ),
  };
  if (algorithm !== twilio.HMAC_SHA1)
    headers['x-twilio-webhooks-signature-settings'] = `algorithm=${algorithm}`;
  return postWebhook(input.url, {
    body: new URLSearchParams(input.params).toString(),
    contentType: 'application/x-www-form-urlencoded',
    headers,
  });
}

/**
 * Checks a Twilio access token as Twilio would (HS256 with the API secret) and returns its header and
 * payload (`iss` API key, `sub` account, `grants.identity`, `grants.video.room`, `exp`); throws if the
 * signature does not match.
 */
export function verifyTwilioAccessToken(
  token: string,
  apiSecret: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const expected = createHmac('sha256', apiSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Error('the access token is not signed with this API secret');
  }
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(header), payload: decode(payload) };
}

function twilioError(response: ServerResponse, status: number, code: number, message: string): void {
  sendJson(response, status, {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
}

function roomJson(baseUrl: string, accountSid: string, room: FakeTwilioRoom): Record<string, unknown> {
  const url = `${baseUrl}/v1/Rooms/${room.sid}`;
  return {
    sid: room.sid,
    status: room.status,
    date_created: room.dateCreated.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    date_updated: (room.endTime ?? room.dateCreated).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    account_sid: accountSid,
    enable_turn: true,
    unique_name: room.uniqueName,
    status_callback: room.statusCallback,
    status_callback_method: room.statusCallbackMethod,
    end_time: room.endTime?.toISOString().replace(/\.\d{3}Z$/, 'Z') ?? null,
    duration: room.endTime ? Math.round((room.endTime.getTime() - room.dateCreated.getTime()) / 1000) : null,
    type: room.type,
    max_participants: 50,
    max_participant_duration: 14400,
    max_concurrent_published_tracks: 170,
    record_participants_on_connect: false,
    video_codecs: ['VP8', 'H264'],
    media_region: 'us1',
    audio_only: room.audioOnly,
    empty_room_timeout: 5,
    unused_room_timeout: 5,
    large_room: false,
    url,
    links: {
      participants: `${url}/Participants`,
      recordings: `${url}/Recordings`,
      recording_rules: `${url}/RecordingRules`,
      transcriptions: `${url}/Transcriptions`,
    },
  };
}

function basicCredentials(authorization: string | undefined): [string, string] | undefined {
  const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

export async function startFakeTwilioVideoServer(
  credentials: FakeTwilioCredentials = fakeTwilioCredentials(),
): Promise<FakeTwilioVideoServer> {
  const requests: RecordedProviderRequest[] = [];
  const rooms = new Map<string, FakeTwilioRoom>();
  const sequenceNumbers = new Map<string, number>();
  let baseUrl = '';

  const findRoom = (sidOrUniqueName: string): FakeTwilioRoom | undefined =>
    rooms.get(sidOrUniqueName) ??
    [...rooms.values()].find((room) => room.uniqueName === sidOrUniqueName && room.status === 'in-progress');

  const http = await listenRecording(requests, (request, response) => {
    const user = basicCredentials(request.headers['authorization']);
    const authenticated =
      user !== undefined &&
      ((user[0] === credentials.apiKey && user[1] === credentials.apiSecret) ||
        (user[0] === credentials.accountSid && user[1] === credentials.authToken));
    if (!authenticated) {
      twilioError(response, 401, 20003, 'Authentication Error - invalid username');
      return;
    }
    const path = new URL(request.path, baseUrl).pathname;
    const form = new URLSearchParams(request.body);

    if (path === '/v1/Rooms' && request.method === 'POST') {
      const uniqueName = form.get('UniqueName') ?? twilioSid('RM');
      if (findRoom(uniqueName)) {
        twilioError(response, 400, 53113, 'Room exists');
        return;
      }
      const room: FakeTwilioRoom = {
        sid: twilioSid('RM'),
        uniqueName,
        status: 'in-progress',
        type: form.get('Type') ?? 'group',
        audioOnly: form.get('AudioOnly') === 'true',
        statusCallback: form.get('StatusCallback'),
        statusCallbackMethod: form.get('StatusCallbackMethod') ?? 'POST',
        dateCreated: new Date(),
        endTime: null,
      };
      rooms.set(room.sid, room);
      sendJson(response, 201, roomJson(baseUrl, credentials.accountSid, room));
      return;
    }

    const roomPath = /^\/v1\/Rooms\/([^/]+)$/.exec(path);
    const room = roomPath?.[1] ? findRoom(decodeURIComponent(roomPath[1])) : undefined;
    if (roomPath && !room) {
      twilioError(response, 404, 20404, `The requested resource ${path.slice(3)} was not found`);
      return;
    }
    if (room && request.method === 'GET') {
      sendJson(response, 200, roomJson(baseUrl, credentials.accountSid, room));
      return;
    }
    if (room && request.method === 'POST') {
      if (form.get('Status') !== 'completed') {
        twilioError(response, 400, 53105, 'Room status is not valid: only completed is accepted');
        return;
      }
      if (room.status === 'in-progress') {
        room.status = 'completed';
        room.endTime = new Date();
      }
      sendJson(response, 200, roomJson(baseUrl, credentials.accountSid, room));
      return;
    }
    twilioError(response, 404, 20404, `The requested resource ${path} was not found`);
  });
  baseUrl = http.url;

  return {
    url: http.url,
    credentials,
    requests,
    room: findRoom,
    async sendRoomCallback(roomSid, callback, options = {}) {
      const room = rooms.get(roomSid);
      if (!room?.statusCallback) throw new Error(`room ${roomSid} has no status callback`);
      const sequenceNumber = sequenceNumbers.get(roomSid) ?? 0;
      sequenceNumbers.set(roomSid, sequenceNumber + 1);
      const params = twilioRoomCallbackParams({
        sequenceNumber,
        ...callback,
        roomSid,
        roomName: room.uniqueName,
        accountSid: credentials.accountSid,
      });
      const signedUrl = room.statusCallback;
      const response = await sendTwilioCallback({
        url: options.deliverTo ?? signedUrl,
        signedUrl,
        authToken: credentials.authToken,
        params,
      });
      return { response, params, signedUrl };
    },
    close: http.close,
  };
}
