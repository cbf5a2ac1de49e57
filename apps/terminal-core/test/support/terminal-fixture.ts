import { randomUUID } from 'node:crypto';
import type { RunningTerminalCore } from '../../src/bootstrap/create-app.js';
import { cleanPrefix, startCore, uniquePrefix } from './core-under-test.js';
import { GrpcTerminal } from './grpc-terminal.js';
import { TokenServer } from './token-server.js';

/** One test file's world: a token issuer, core nodes in one Redis prefix, and the terminals it opened. */
export class TerminalFixture {
  readonly tokens = new TokenServer();
  readonly prefix: string;
  readonly nodes: RunningTerminalCore[] = [];
  private readonly open: Array<{ close(): void }> = [];
  private counter = 0;

  constructor(
    label: string,
    private readonly msisdnPrefix: string,
  ) {
    this.prefix = uniquePrefix(label);
  }

  get core(): RunningTerminalCore {
    return this.nodes[0]!;
  }

  async start(env: Record<string, string> = {}, nodeIds: string[] = ['']): Promise<void> {
    await this.tokens.start();
    for (const id of nodeIds)
      this.nodes.push(await startCore(this.tokens.jwksUrl, this.prefix, id ? { ...env, NODE_ID: id } : env));
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

  /** A registered gRPC terminal (a Pipe proves registration with its first message; MultiPipe waits briefly). */
  async terminal(number: string, mode: 'pipe' | 'multi' = 'multi', node = this.core): Promise<GrpcTerminal> {
    const t = this.track(GrpcTerminal.open(node.grpcPort, await this.tokens.tokenFor(number), mode));
    if (mode === 'pipe') await t.next('idle').catch(async () => t.next('inCall'));
    else await new Promise((r) => setTimeout(r, 100));
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
    for (const node of this.nodes) await node.close();
    await this.tokens.stop();
    await cleanPrefix(this.prefix);
  }
}
