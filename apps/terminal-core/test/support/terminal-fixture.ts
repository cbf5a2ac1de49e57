import { randomUUID } from 'node:crypto';
import { Scopes } from '@parley/auth';
import { allocateTestNamespace, startTokenServer, type TokenServer } from '@parley/testing';
import { startCore, type RunningTerminalCore } from './core-under-test.js';
import { GrpcTerminal } from './grpc-terminal.js';

/** One test file's world: a token issuer, core nodes in one Redis prefix, and the terminals it opened. */
export class TerminalFixture {
  // The core keeps nothing in PostgreSQL: only Redis keys to delete.
  readonly ns;
  readonly nodes: RunningTerminalCore[] = [];
  private tokens: TokenServer | undefined;
  private readonly open: Array<{ close(): void }> = [];
  private counter = 0;

  constructor(
    label: string,
    private readonly msisdnPrefix: string,
    /** A Redis of the test's own (its nodes must then be started with that REDIS_URL); the machine's by default. */
    redisUrl?: string,
  ) {
    this.ns = allocateTestNamespace(`tc_${label}`, { databaseUrl: null, ...(redisUrl ? { redisUrl } : {}) });
  }

  get core(): RunningTerminalCore {
    return this.nodes[0]!;
  }

  async start(env: Record<string, string> = {}, nodeIds: string[] = ['']): Promise<void> {
    this.tokens = await startTokenServer();
    for (const id of nodeIds)
      this.nodes.push(
        await startCore(this.tokens.jwksUrl, this.ns.redisPrefix, id ? { ...env, NODE_ID: id } : env),
      );
  }

  /** Where the fixture's token issuer publishes its keys, for core nodes started as child processes. */
  get jwksUrl(): string {
    if (!this.tokens) throw new Error('start() the fixture first');
    return this.tokens.jwksUrl;
  }

  /** An access token for a terminal of `msisdn` (none: a token without an msisdn). */
  tokenFor(msisdn: string | undefined, scopes: string[] = [Scopes.callControl]): Promise<string> {
    if (!this.tokens) throw new Error('start() the fixture first');
    return this.tokens.mintToken({ scopes, ...(msisdn ? { msisdn } : {}) });
  }

  /** A fresh msisdn, so tests never see each other's terminals. */
  msisdn(): string {
    this.counter += 1;
    return `${this.msisdnPrefix}${String(Date.now() % 100000).padStart(5, '0')}${String(this.counter).padStart(3, '0')}`;
  }

  track<T extends { close(): void }>(closable: T): T {
    this.open.push(closable);
    return closable;
  }

  /**
   * A registered gRPC terminal. A Pipe proves registration with its greeting (Idle or InCall). A MultiPipe
   * has no greeting, so it asks about a call that does not exist: the core reads a stream's messages only
   * once the stream is registered, so the INVALID_CALL_ID answer proves it.
   */
  async terminal(number: string, mode: 'pipe' | 'multi' = 'multi', node = this.core): Promise<GrpcTerminal> {
    const t = this.track(GrpcTerminal.open(node.grpcPort, await this.tokenFor(number), mode));
    if (mode === 'pipe') {
      await t.nextOf(['idle', 'inCall']);
    } else {
      const probe = randomUUID();
      t.answer(probe);
      await t.next('error', probe);
    }
    return t;
  }

  /** Two terminals in an answered call. */
  async activeCall(callerNode = this.core, calleeNode = this.core) {
    const [a, b] = [this.msisdn(), this.msisdn()];
    const caller = await this.terminal(a, 'multi', callerNode);
    const callee = await this.terminal(b, 'multi', calleeNode);
    const id = randomUUID();
    caller.offer(id, b);
    await callee.next('offer', id);
    callee.answer(id);
    await caller.next('answer', id);
    return { caller, callee, id, a, b };
  }

  closeTerminals(): void {
    this.open.splice(0).forEach((t) => t.close());
  }

  async stop(): Promise<void> {
    this.closeTerminals();
    try {
      for (const node of this.nodes) await node.close();
      await this.tokens?.close();
    } finally {
      await this.ns.cleanup();
    }
  }
}
