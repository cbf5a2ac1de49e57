import { summarize, round } from '../lib/stats.mjs';
import { progress } from '../lib/report.mjs';

/**
 * Figure 1: messages persisted per second. `senders` closed-loop clients (one request in flight each, over
 * keep-alive connections) post into `conversations` group conversations for `durationMs`, after a warm-up
 * whose requests are not counted. Each 201 is a message committed with its event and outbox row.
 */
export async function measureSends(api, { senders, conversations, warmupMs, durationMs }) {
  const users = await api.signUpMany('send', senders);
  // Sender i writes to conversation i % conversations, so each conversation has senders/conversations
  // writers queueing on its row lock: some contention, as in real group chats, but not one hot row.
  const convIds = [];
  for (let c = 0; c < conversations; c++) {
    const members = users.filter((_, i) => i % conversations === c);
    convIds.push((await api.createGroup(members[0], members.slice(1))).id);
  }
  progress(
    `sends: ${senders} senders in ${conversations} conversations, ${warmupMs} ms warm-up + ${durationMs} ms`,
  );

  const latencies = [];
  const errors = new Map();
  const measureFrom = performance.now() + warmupMs;
  const measureUntil = measureFrom + durationMs;

  async function sender(user, i) {
    // Stops early if the run is aborted (api closed), rather than spinning on failed requests.
    for (let n = 0; performance.now() < measureUntil && !api.closed; n++) {
      const started = performance.now();
      let status;
      try {
        status = (
          await api.sendText(
            user,
            convIds[i % conversations],
            `s${i}-${n}`,
            `load message ${n} from sender ${i}`,
          )
        ).status;
      } catch (err) {
        status = err.code ?? err.message;
      }
      if (started < measureFrom) continue; // warm-up
      if (status === 201) latencies.push(performance.now() - started);
      else errors.set(status, (errors.get(status) ?? 0) + 1);
    }
  }
  await Promise.all(users.map(sender));
  // Requests started before the deadline are allowed to finish, so the window is until the last answer.
  const elapsedMs = performance.now() - measureFrom;

  return {
    senders,
    conversations,
    durationSeconds: round(elapsedMs / 1000, 3),
    persisted: latencies.length,
    sendsPerSecond: round(latencies.length / (elapsedMs / 1000), 1),
    httpLatencyMs: summarize(latencies),
    failed: [...errors.values()].reduce((a, b) => a + b, 0),
    failures: Object.fromEntries(errors),
  };
}
