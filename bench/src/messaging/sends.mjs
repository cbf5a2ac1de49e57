import { mapLimit } from '../lib/pool.mjs';
import { progress } from '../lib/report.mjs';
import { summarize, round } from '../lib/stats.mjs';

/**
 * Users and conversations of one sends shape, created once and measured in every round.
 * - `group`: the senders spread over `conversations` groups, sender i in group i % conversations, so each
 *   group has senders/conversations writers queueing on its row lock (one group: all of them on one row).
 * - `direct`: `senders` senders and `recipients` recipients; conversation p (of `conversations`) is the
 *   direct conversation of sender p % senders with recipient floor(p / senders) % recipients, so every pair
 *   is distinct and each sender has conversations / senders of them, which it takes in turn.
 * Returns, per sender, the user and the conversations it writes to.
 */
export async function prepareSends(api, shape) {
  const label = `s${shape.key.slice(0, 3)}`;
  const senders = await api.signUpMany(label, shape.senders);
  const lists = senders.map(() => []);
  if (shape.kind === 'group') {
    for (let c = 0; c < shape.conversations; c++) {
      const members = senders.filter((_, i) => i % shape.conversations === c);
      const { id } = await api.createGroup(members[0], members.slice(1));
      members.forEach((_, k) => lists[c + k * shape.conversations].push(id));
    }
  } else {
    if (shape.conversations > shape.senders * shape.recipients)
      throw new Error(
        `${shape.conversations} direct conversations need more than ${shape.senders} x ${shape.recipients} users`,
      );
    const recipients = await api.signUpMany(`${label}r`, shape.recipients);
    const pairs = Array.from({ length: shape.conversations }, (_, p) => p);
    const ids = await mapLimit(pairs, 16, async (p) => {
      const sender = senders[p % shape.senders];
      const recipient = recipients[Math.floor(p / shape.senders) % shape.recipients];
      return (await api.createDirect(sender, recipient)).id;
    });
    for (const p of pairs) lists[p % shape.senders].push(ids[p]);
  }
  const idle = lists.filter((l) => l.length === 0).length;
  if (idle > 0) throw new Error(`sends ${shape.key}: ${idle} senders without a conversation`);
  return { shape, senders: senders.map((user, i) => ({ user, conversations: lists[i] })) };
}

/**
 * Messages persisted per second. Every sender runs a closed loop (one request in flight each, over
 * keep-alive connections) for `durationMs`, after a warm-up whose requests are not counted. Each 201 is a
 * message committed with its event and outbox row.
 */
export async function measureSends(api, prepared, { warmupMs, durationMs }) {
  const { shape, senders } = prepared;
  progress(
    `sends (${shape.label}): ${senders.length} senders, ${shape.conversations} conversations, ${warmupMs} ms warm-up + ${durationMs} ms`,
  );
  const latencies = [];
  const errors = new Map();
  const tag = Math.random().toString(36).slice(2, 8);
  const measureFrom = performance.now() + warmupMs;
  const measureUntil = measureFrom + durationMs;

  async function sender({ user, conversations }, i) {
    // Stops early if the run is aborted (api closed), rather than spinning on failed requests.
    for (let n = 0; performance.now() < measureUntil && !api.closed; n++) {
      const started = performance.now();
      let status;
      try {
        const conversationId = conversations[n % conversations.length];
        status = (
          await api.sendText(user, conversationId, `${tag}-${i}-${n}`, `load message ${n} from sender ${i}`)
        ).status;
      } catch (err) {
        status = err.code ?? err.message;
      }
      if (started < measureFrom) continue; // warm-up
      if (status === 201) latencies.push(performance.now() - started);
      else errors.set(status, (errors.get(status) ?? 0) + 1);
    }
  }
  await Promise.all(senders.map(sender));
  // Requests started before the deadline are allowed to finish, so the window is until the last answer.
  const elapsedMs = performance.now() - measureFrom;

  return {
    senders: senders.length,
    conversations: shape.conversations,
    durationSeconds: round(elapsedMs / 1000, 3),
    persisted: latencies.length,
    sendsPerSecond: round(latencies.length / (elapsedMs / 1000), 1),
    httpLatencyMs: summarize(latencies),
    failed: [...errors.values()].reduce((a, b) => a + b, 0),
    failures: Object.fromEntries(errors),
  };
}
