import { MessagingLimits, RetransmitResponse } from '@parley/protocol';
import { round } from '../lib/stats.mjs';
import { progress } from '../lib/report.mjs';
import { measureRetransmitStream } from './retransmit-stream.mjs';
import { seedMessageEvents } from './seed-events.mjs';

/**
 * The retransmit figures: a device re-reading a whole conversation log. One conversation gets `seedCount`
 * message events on top of its `conversation.created` (seq 1), seeded once; each measurement then pages
 * through GET /events from seq 1, following nextFromSeq, parsing every page and checking that seqs arrive
 * complete and in order, and reads the same log in one streamed response, for the comparison in one run.
 */
export async function prepareRetransmit(api, service, { seedCount, databaseUrl }) {
  const [owner, other] = await api.signUpMany('rtx', 2);
  const conversation = await api.createGroup(owner, [other]);
  const seedStarted = performance.now();
  const lastSeq = await seedMessageEvents({
    databaseUrl,
    schema: service.schema,
    conversationId: conversation.id,
    senderId: owner.id,
    count: seedCount,
  });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  progress(`retransmit: seeded ${seedCount} events in ${seedSeconds.toFixed(1)} s`);
  return { other, conversation, lastSeq, seedSeconds };
}

export async function measureRetransmit(api, service, { other, conversation, lastSeq, seedSeconds }) {
  progress(`retransmit: paging from seq 1 to ${lastSeq}`);
  const maxPages = Math.ceil(lastSeq / MessagingLimits.retransmitPageSize) + 1;
  let received = 0;
  let inOrder = true;
  let expectedSeq = 1;
  let pages = 0;
  let bytes = 0;
  let from = 1;
  const started = performance.now();
  while (from !== null) {
    const res = await api.eventsPage(other, conversation.id, from);
    if (res.status !== 200)
      throw new Error(
        `GET events fromSeq=${from}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
      );
    pages++;
    bytes += res.bytes;
    for (const event of res.body.events) {
      if (event.seq !== expectedSeq) inOrder = false;
      expectedSeq = event.seq + 1;
      received++;
    }
    from = res.body.nextFromSeq;
    if (pages > maxPages) throw new Error(`more than ${maxPages} pages: nextFromSeq never became null`);
  }
  const seconds = (performance.now() - started) / 1000;
  // Outside the timing: the seeded rows must read back as valid protocol events, or the figure is moot.
  const sample = await api.eventsPage(other, conversation.id, 1);
  const schemaValid = RetransmitResponse.safeParse(sample.body).success;
  progress(`retransmit: paged read took ${seconds.toFixed(1)} s; now the same log streamed`);
  const stream = await measureRetransmitStream({
    baseUrl: service.url,
    pid: service.pid,
    token: other.token,
    conversationId: conversation.id,
    lastSeq,
  });

  return {
    eventsExpected: lastSeq,
    eventsReceived: received,
    inOrder,
    complete: inOrder && received === lastSeq,
    schemaValid,
    pages,
    pageSize: MessagingLimits.retransmitPageSize,
    seconds: round(seconds, 3),
    eventsPerSecond: Math.round(received / seconds),
    megabytes: round(bytes / 1e6, 1),
    seedSeconds: round(seedSeconds, 1),
    stream,
  };
}
