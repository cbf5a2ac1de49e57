import { randomBytes } from 'node:crypto';
import { createJsonClient } from '../lib/http-client.mjs';
import { mapLimit } from '../lib/pool.mjs';

/** The few calls the benchmarks make, over one keep-alive client; setup calls throw on an unexpected status. */
export function messagingApi(baseUrl, opts) {
  const http = createJsonClient(baseUrl, opts);
  const run = randomBytes(3).toString('hex');

  function expect(res, status, what) {
    if (res.status !== status)
      throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body;
  }

  async function signUp(username) {
    const body = expect(
      await http.post('/v1/auth/signup', undefined, { username, password: 'bench password 1234' }),
      201,
      `sign-up ${username}`,
    );
    return { id: body.user.id, username, token: body.tokens.access_token };
  }

  return {
    http,
    signUp,
    /** `count` users named <label><n>; sign-ups are cheap with PASSWORD_HASH_PROFILE=fast-test. */
    signUpMany: (label, count) =>
      mapLimit(
        Array.from({ length: count }, (_, i) => `${label}${run}u${i}`),
        8,
        signUp,
      ),
    async createGroup(creator, others) {
      const res = await http.post('/v1/conversations', creator.token, {
        type: 'group',
        participants: others.map((u) => u.id),
      });
      return expect(res, 201, 'create conversation');
    },
    /** The direct conversation of two users (the existing one if there is one already). */
    async createDirect(creator, other) {
      const res = await http.post('/v1/conversations', creator.token, {
        type: 'direct',
        participants: [other.id],
      });
      if (res.status !== 200 && res.status !== 201)
        throw new Error(
          `create direct conversation: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      return res.body;
    },
    /** Adds users to a group, at most MessagingLimits.maxParticipantsPerRequest per call. */
    async addParticipants(user, conversationId, others) {
      const res = await http.post(`/v1/conversations/${conversationId}/participants`, user.token, {
        participants: others.map((u) => ({ userId: u.id })),
      });
      return expect(res, 201, 'add participants');
    },
    /** Returns the raw response: the callers count statuses rather than stop at the first error. */
    sendText: (user, conversationId, clientMessageId, body) =>
      http.post(`/v1/conversations/${conversationId}/messages`, user.token, {
        clientMessageId,
        parts: [{ mimeType: 'text/plain', body }],
      }),
    eventsPage: (user, conversationId, fromSeq) =>
      http.get(`/v1/conversations/${conversationId}/events?fromSeq=${fromSeq}`, user.token),
    health: () => http.get('/health'),
    /** The Prometheus page (GET /metrics), as text. */
    metricsText: async () => {
      const res = await http.get('/metrics');
      return res.status === 200 && typeof res.body === 'string' ? res.body : undefined;
    },
    get closed() {
      return http.closed;
    },
    close: () => http.close(),
  };
}
