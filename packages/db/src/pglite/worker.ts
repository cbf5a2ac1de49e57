// The PGlite thread: the embedded PostgreSQL runs here, beside the service's event loop instead of on it,
// so its engine (WebAssembly) and the service's JavaScript use two cores. Requests come one by one from
// pglite/client.ts; PGlite itself queues every query behind an open transaction, as in one thread.
import { parentPort } from 'node:worker_threads';
import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { pgliteParsers } from '../type-parsers.js';
import { errorData, type PgliteReply, type PgliteRequest } from './protocol.js';

if (!parentPort) throw new Error('pglite/worker.js runs as a worker thread');
const port = parentPort;

let pglite: PGlite | undefined;
/** Open transactions: the callback PGlite runs waits in `end` until the other thread ends it. */
const transactions = new Map<number, OpenTransaction>();
type OpenTransaction = { tx: Transaction; end: (request: EndRequest) => void };
type EndRequest = Extract<PgliteRequest, { op: 'end' }>;
const ROLLBACK = Symbol('rollback');

const reply = (message: PgliteReply) => port.postMessage(message);
const replyRows = (id: number, result: Results<unknown>) =>
  reply({
    id,
    ok: true,
    rows: result.rows,
    rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
  });
const replyError = (id: number, err: unknown) => reply({ id, ok: false, error: errorData(err) });

function database(): PGlite {
  if (!pglite) throw new Error('PGlite is not open');
  return pglite;
}

function openTransaction(tx: number): OpenTransaction {
  const open = transactions.get(tx);
  if (!open) throw new Error(`transaction ${tx} is closed`);
  return open;
}

function begin(request: Extract<PgliteRequest, { op: 'begin' }>): void {
  // Set once the other thread ends the transaction; unset, a failure is BEGIN's own.
  let ending: EndRequest | undefined;
  database()
    .transaction(async (tx) => {
      ending = await new Promise<EndRequest>((end) => {
        transactions.set(request.tx, { tx, end });
        reply({ id: request.id, ok: true });
      });
      transactions.delete(request.tx);
      if (!ending.commit) throw ROLLBACK;
      for (const { sql, params } of ending.queued) await tx.query(sql, params);
    })
    .then(
      () => ending && reply({ id: ending.id, ok: true }),
      (err: unknown) => {
        transactions.delete(request.tx);
        if (!ending) return replyError(request.id, err);
        if (err === ROLLBACK) return reply({ id: ending.id, ok: true });
        replyError(ending.id, err);
      },
    );
}

async function handle(request: PgliteRequest): Promise<void> {
  switch (request.op) {
    case 'open':
      pglite = await PGlite.create({ dataDir: request.dataDir, parsers: pgliteParsers });
      return reply({ id: request.id, ok: true });
    case 'query':
      return replyRows(request.id, await database().query(request.sql, request.params));
    case 'exec':
      await database().exec(request.sql);
      return reply({ id: request.id, ok: true });
    case 'begin':
      return begin(request);
    case 'txQuery':
      return replyRows(request.id, await openTransaction(request.tx).tx.query(request.sql, request.params));
    case 'txExec':
      await openTransaction(request.tx).tx.exec(request.sql); // simple protocol: allows several statements
      return reply({ id: request.id, ok: true });
    case 'end':
      return openTransaction(request.tx).end(request);
    case 'close':
      await pglite?.close();
      reply({ id: request.id, ok: true });
      return port.close();
  }
}

port.on('message', (request: PgliteRequest) => {
  handle(request).catch((err: unknown) => replyError(request.id, err));
});
