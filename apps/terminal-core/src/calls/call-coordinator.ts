import { randomUUID } from 'node:crypto';
import { isE164, TerminalErrorCode, TerminalMessages as M, WebTerminalMessage } from '@parley/protocol';
import type { Logger } from '@parley/logger';
import type { NodeBus, NodeMessage } from '../cluster/node-bus.js';
import type { PhoneNetwork } from '../phone/phone-network.js';
import type { RegisteredTerminal, TerminalRegistry } from '../terminals/terminal-registry.js';
import { TerminalSession } from '../terminals/terminal-session.js';
import { CallEngine, type Decision, type Effect } from './call-engine.js';
import { changedForOtherNodes, legTerminal, type CallRecord, type TerminalRef } from './call-record.js';
import type { CallStore } from './call-store.js';
import type { CallHistorySink } from '../call-history/call-history.js';
import { checkInbound, isUuid, sdpTooLarge } from './inbound-check.js';
import { TerminalProtocolError, invalidCallId, notInCall, tryAgain } from './terminal-error.js';

type ObserverEffect = Extract<Effect, { type: 'inCall' | 'idle' }>;

export interface CoordinatorOptions {
  nodeId: string;
  ringTimeoutMs: number;
  messagesPerSecond: number;
}

/**
 * Runs the terminals of this node and the calls it owns. A call is owned by the node its caller is on:
 * every message about it is decided there, one at a time, by the pure CallEngine, so racing Answers from
 * terminals on different nodes still have exactly one winner. Other nodes forward to the owner through
 * Redis; registrations and call records live in Redis for all nodes to see.
 *
 * The owner holds its calls in memory and decides from there; Redis is the directory other nodes read
 * (who owns a call, who is registered, who is in a call). Only a new call waits for Redis (it is written
 * whole with SET NX, which claims its id); later decisions send to the parties at once and write the
 * directory behind them. Commands issued together share one write (the connection pipelines
 * them), and commands on the one connection reach Redis in the order they were issued.
 */
export class CallCoordinator {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly calls = new Map<string, CallRecord>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly ringTimers = new Map<string, NodeJS.Timeout>();
  private readonly observerQueues = new Map<string, Promise<void>>();

  constructor(
    private readonly options: CoordinatorOptions,
    private readonly registry: TerminalRegistry,
    private readonly store: CallStore,
    private readonly bus: NodeBus,
    private readonly phone: PhoneNetwork,
    private readonly logger: Logger,
    private readonly history?: CallHistorySink,
  ) {}

  get nodeId(): string {
    return this.options.nodeId;
  }

  get terminalCount(): number {
    return this.sessions.size;
  }

  get ownedCallCount(): number {
    return this.calls.size;
  }

  async start(): Promise<void> {
    await this.registry.heartbeat(this.nodeId);
    await this.bus.listenForDirectoryChanges((msisdn) => this.registry.forget(msisdn));
    await this.bus.listen(
      (m) => void this.onNodeMessage(m).catch((err) => this.logger.error({ err }, 'node message failed')),
    );
  }

  async heartbeat(): Promise<void> {
    await this.registry.heartbeat(this.nodeId);
    await this.endCallsOfDeadNodes();
  }

  /**
   * A node that died without closing (killed, its machine lost) never said its terminals were gone, so
   * nothing else would end their calls: the other party would stay in a call nobody decides for, and the
   * call would never be reported ended. Once the dead node's liveness key has expired, the calls this node
   * owns hang up for their parties there, and the calls of this node's terminals that the dead node owned
   * are adopted here and hung up the same way: the live party gets Bye{connection_lost} (a ringing callee
   * Bye{cancelled}) and call.ended is published.
   */
  private async endCallsOfDeadNodes(): Promise<void> {
    const seen = new Set<string>();
    for (const session of [...this.sessions.values()]) {
      for (const callId of [...session.calls]) {
        if (this.calls.has(callId) || seen.has(callId)) continue;
        seen.add(callId);
        const record = await this.store.load(callId);
        if (!record?.caller || record.state === 'ended' || record.owner === this.nodeId) continue;
        if (await this.registry.isNodeAlive(record.owner)) continue;
        const call = await this.store.adopt(callId, record.owner, this.nodeId);
        if (!call) continue;
        this.calls.set(callId, call);
        this.logger.warn({ callId, deadNode: record.owner }, 'adopted a call of a node that is gone');
      }
    }
    for (const call of [...this.calls.values()]) {
      const parties = new Set(
        [legTerminal(call.caller.leg), legTerminal(call.callee.leg), ...call.forks].filter(
          (id): id is string => id !== undefined && !this.sessions.has(id),
        ),
      );
      for (const terminalId of parties) {
        const node = await this.registry.nodeOfTerminal(terminalId);
        if (!node || node === this.nodeId || (await this.registry.isNodeAlive(node))) continue;
        await this.decide(call.id, (c) => CallEngine.hangUp(c, terminalId, 'connection_lost', Date.now()));
      }
    }
  }

  /** Registers a terminal whose stream just opened; Pipe terminals learn at once whether their msisdn is in a call. */
  async register(
    ref: Omit<TerminalRef, 'id'>,
    write: (m: WebTerminalMessage) => void,
  ): Promise<TerminalSession> {
    const session = new TerminalSession({ ...ref, id: randomUUID() }, write, this.options.messagesPerSecond);
    this.sessions.set(session.ref.id, session);
    try {
      await this.registry.register({ ...session.ref, node: this.nodeId });
      await this.directoryChanged(ref.msisdn);
      if (ref.mode === 'pipe') {
        const active = await this.registry.activeCallsOf(ref.msisdn);
        session.send(active[0] ? M.inCall(active[0], ref.msisdn) : M.idle(''));
      }
    } catch (err) {
      // The directory failed (Redis is away): the caller ends the stream, and nothing of it is kept here.
      this.sessions.delete(session.ref.id);
      session.closed = true;
      void this.registry.unregister(session.ref).catch(() => undefined);
      throw err;
    }
    this.logger.debug({ terminal: session.ref }, 'terminal registered');
    return session;
  }

  /** The stream closed or broke: its calls end with a Bye to the other party, then it is forgotten. */
  async unregister(session: TerminalSession): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    this.sessions.delete(session.ref.id);
    await Promise.allSettled(
      [...session.calls].map((callId) =>
        this.routeToOwner(callId, { kind: 'gone', terminal: session.ref, callId }),
      ),
    );
    await this.registry.unregister(session.ref);
    await this.directoryChanged(session.ref.msisdn);
    this.logger.debug({ terminal: session.ref }, 'terminal gone');
  }

  /** A message from a local terminal. Refused input gets an Error (or a Bye for a refused new call). */
  async receive(session: TerminalSession, message: WebTerminalMessage): Promise<void> {
    try {
      if (!session.bucket.take())
        throw new TerminalProtocolError(TerminalErrorCode.RATE_LIMIT_HIT, 'too many messages; slow down');
      checkInbound(message, session.ref.mode);
      // MultiPipe names the call in every message; only a Pipe's call id needs working out.
      const callId =
        session.ref.mode === 'multi' ? message.callId : await this.resolveCallId(session, message);
      const normalized = callId === message.callId ? message : { ...message, callId };
      const offer = message.message?.$case === 'offer' ? message.message.value : undefined;
      if (offer && !this.calls.has(callId) && (await this.tryStartCall(session, normalized, offer))) return;
      if (sdpTooLarge(normalized))
        throw new TerminalProtocolError(TerminalErrorCode.UNKNOWN, 'SDP is over the size limit');
      const owner = this.calls.has(callId) ? this.nodeId : await this.ownerOf(callId);
      // An Offer without a callee is a pull (or renegotiation) of an existing call.
      if (!owner) throw invalidCallId(offer ? 'no such call to take over' : 'no such call');
      if (message.message?.$case === 'offer') this.track(session, callId, true);
      if (message.message?.$case === 'bye') this.track(session, callId, false);
      await this.sendToOwner(owner, { kind: 'input', terminal: session.ref, callId, message: normalized });
    } catch (err) {
      // Anything else is the directory failing (Redis away): the message is not lost in silence, the
      // terminal hears it may send it again.
      const refusal =
        err instanceof TerminalProtocolError
          ? err
          : tryAgain('signalling is unavailable right now; try again');
      if (refusal !== err)
        this.logger.warn({ err, callId: message.callId }, 'could not route a terminal message');
      session.send(M.error(message.callId ?? '', refusal.code, refusal.message));
    }
  }

  /** Calls this node owns are in memory; only others' need a Redis read. */
  private async ownerOf(callId: string): Promise<string | undefined> {
    if (this.calls.has(callId)) return this.nodeId;
    return callId ? (await this.store.load(callId))?.owner : undefined;
  }

  /** Pipe ignores call_id: its messages are about its one call, or (an Offer) a new call or a pull. */
  private async resolveCallId(session: TerminalSession, message: WebTerminalMessage): Promise<string> {
    if (session.ref.mode === 'multi') return message.callId;
    if (message.message?.$case === 'offer') {
      const active = await this.registry.activeCallsOf(session.ref.msisdn);
      if (message.callId && active.includes(message.callId) && !session.calls.has(message.callId))
        return message.callId; // pull
      if (session.currentCall) {
        if (message.callId === session.currentCall) return session.currentCall; // renegotiation
        throw tryAgain('this Pipe is already in a call');
      }
      return isUuid(message.callId) ? message.callId : randomUUID();
    }
    const current = session.currentCall;
    if (!current) throw notInCall('this Pipe is not in a call');
    return current;
  }

  /**
   * An Offer with a callee and a call_id nobody holds starts a call here. False when the id belongs to an
   * existing call (a pull or a renegotiation that names a callee): the caller routes it to its owner.
   * The call is decided first (the callee's terminals are usually in memory), then written whole with
   * `SET NX` before anyone hears of it: that one write claims the id, and should this node die, the
   * survivors find all they need to end the call. A record is read only when the id turns out taken or
   * nobody can take the call.
   */
  private async tryStartCall(
    session: TerminalSession,
    message: WebTerminalMessage,
    offer: { sdp: string; msisdn?: { e164: string } | undefined },
  ): Promise<boolean> {
    const callId = message.callId;
    const callee = offer.msisdn?.e164;
    if (!callee) return false;
    if (!isE164(callee) || sdpTooLarge(message)) {
      if (await this.ownerOf(callId)) return false;
      session.send(M.bye(callId, isE164(callee) ? 'sdp_too_large' : 'invalid_msisdn'));
      return true;
    }
    const terminals = await this.registry.terminalsOf(callee);
    const { call, effects } = CallEngine.start({
      callId,
      owner: this.nodeId,
      caller: session.ref,
      calleeMsisdn: callee,
      sdp: offer.sdp,
      calleeTerminals: terminals.filter((t) => t.mode === 'multi' || t.calls === 0),
      calleeRegistered: terminals.length > 0,
      now: Date.now(),
    });
    if (!call) {
      if (await this.ownerOf(callId)) return false;
      await this.execute(callId, effects);
      this.reportMissed(session, callId, callee, offer.sdp, effects);
      return true;
    }
    if (!(await this.store.create(call))) {
      if (await this.ownerOf(callId)) return false;
      throw invalidCallId('that call_id is already in use');
    }
    this.track(session, callId, true);
    this.calls.set(callId, call);
    await this.serialize(callId, () => this.execute(callId, effects));
    return true;
  }

  /** Nobody could take it (offline or busy): the callee still had a call they missed. */
  private reportMissed(
    session: TerminalSession,
    callId: string,
    callee: string,
    sdp: string,
    effects: Effect[],
  ): void {
    const bye = effects[0]?.type === 'send' ? effects[0].message.message : undefined;
    if (bye?.$case !== 'bye') return;
    const now = Date.now();
    void this.history?.callEnded({
      id: callId,
      callerMsisdn: session.ref.msisdn,
      calleeMsisdn: callee,
      createdAt: now,
      endedAt: now,
      endReason: bye.value.reason,
      video: /^m=video /m.test(sdp),
    });
  }

  private async routeToOwner(callId: string, message: NodeMessage): Promise<void> {
    const owner = await this.ownerOf(callId);
    if (owner) await this.sendToOwner(owner, message);
  }

  private async sendToOwner(owner: string, message: NodeMessage): Promise<void> {
    if (owner === this.nodeId) await this.onNodeMessage(message);
    else await this.bus.send(owner, message);
  }

  private async onNodeMessage(message: NodeMessage): Promise<void> {
    switch (message.kind) {
      case 'deliver':
        this.deliverLocal(message.terminalId, message.message);
        return;
      case 'release': {
        const session = this.sessions.get(message.terminalId);
        if (session) this.track(session, message.callId, false);
        return;
      }
      case 'input':
        await this.decide(
          message.callId,
          (call) => CallEngine.handle(call, message.terminal, message.message, Date.now()),
          message.terminal,
        );
        return;
      case 'gone':
        await this.decide(message.callId, (call) =>
          CallEngine.hangUp(call, message.terminal.id, 'connection_lost', Date.now()),
        );
        return;
    }
  }

  /** Runs one engine decision for a call this node owns, then carries out its effects. */
  private decide(
    callId: string,
    decideFn: (call: CallRecord) => Decision,
    from?: TerminalRef,
  ): Promise<void> {
    return this.serialize(callId, async () => {
      const call = this.calls.get(callId);
      if (!call) {
        if (from)
          await this.deliver(from.id, M.error(callId, TerminalErrorCode.INVALID_CALL_ID, 'no such call'));
        return;
      }
      let decision: Decision;
      try {
        decision = decideFn(call);
      } catch (err) {
        if (err instanceof TerminalProtocolError && from) {
          await this.deliver(from.id, M.error(callId, err.code, err.message));
          return;
        }
        if (err instanceof TerminalProtocolError) return;
        throw err;
      }
      if (decision.ended) this.calls.delete(callId);
      else this.calls.set(callId, decision.call);
      this.persist(callId, [
        changedForOtherNodes(call, decision.call) ? this.store.save(decision.call) : undefined,
        ...this.msisdnCallUpdates(call, decision),
      ]);
      if (decision.ended)
        this.logger.debug(
          { callId, reason: decision.call.endReason, answered: Boolean(decision.call.answeredAt) },
          'call ended',
        );
      await this.execute(callId, decision.effects);
      if (decision.ended) void this.reportEnded(decision.call);
    });
  }

  /**
   * Waits for nothing: the owner decides from memory, and a later decision's writes cannot overtake these
   * on the connection. A write that fails leaves other nodes a stale view of the call, which is logged.
   */
  private persist(callId: string, writes: Array<Promise<unknown> | undefined>): void {
    const issued = writes.filter((w) => w !== undefined);
    if (issued.length === 0) return;
    void Promise.all(issued).catch((err) =>
      this.logger.warn({ err, callId }, 'could not write the call to Redis'),
    );
  }

  /** Which msisdns are in a call (for Pipes opening or pulling, on any node) changes when it is answered or ends. */
  private msisdnCallUpdates(before: CallRecord, decision: Decision): Array<Promise<void>> {
    const { call } = decision;
    const inCall = decision.ended
      ? false
      : before.state !== 'active' && call.state === 'active'
        ? true
        : undefined;
    if (inCall === undefined) return [];
    return [
      this.registry.setMsisdnInCall(call.caller.msisdn, call.id, inCall),
      this.registry.setMsisdnInCall(call.callee.msisdn, call.id, inCall),
    ];
  }

  /**
   * InCall and Idle go to every other terminal of an msisdn, wherever it is registered, so they need a
   * directory read. They follow the messages to the parties rather than hold them up; a call's
   * notifications still go out in the order they were decided. The reads are issued at once, after the
   * decision's writes, so they see them.
   */
  private tellObservers(callId: string, effects: ObserverEffect[]): void {
    const lookups = new Map<string, Promise<RegisteredTerminal[]>>();
    for (const { msisdn } of effects)
      if (!lookups.has(msisdn)) lookups.set(msisdn, this.registry.terminalsOf(msisdn));
    const previous = this.observerQueues.get(callId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        for (const effect of effects) {
          const terminals = (await lookups.get(effect.msisdn)) ?? [];
          const message = effect.type === 'inCall' ? M.inCall(callId, effect.msisdn) : M.idle(callId);
          await Promise.all(
            terminals.filter((t) => t.id !== effect.exceptTerminal).map((t) => this.deliver(t.id, message)),
          );
        }
      })
      .catch((err) => this.logger.warn({ err, callId }, 'could not tell the observers of a call'));
    this.observerQueues.set(callId, next);
    void next.then(() => {
      if (this.observerQueues.get(callId) === next) this.observerQueues.delete(callId);
    });
  }

  private async reportEnded(call: CallRecord): Promise<void> {
    if (!this.history) return;
    await this.history.callEnded({
      id: call.id,
      callerMsisdn: call.caller.msisdn,
      calleeMsisdn: call.callee.msisdn,
      createdAt: call.createdAt,
      answeredAt: call.answeredAt,
      endedAt: call.endedAt ?? Date.now(),
      endReason: call.endReason ?? 'hangup',
      video: call.video ?? false,
    });
  }

  private async execute(callId: string, effects: Effect[]): Promise<void> {
    const observed: ObserverEffect[] = [];
    for (const effect of effects) {
      switch (effect.type) {
        case 'send': {
          const remote = this.deliver(effect.terminalId, effect.message);
          if (remote) await remote;
          break;
        }
        case 'inCall':
        case 'idle':
          observed.push(effect);
          break;
        case 'release':
          await this.release(effect.terminalId, callId);
          break;
        case 'transferToPhone':
          this.phone
            .transferToPhone(effect.msisdn, callId)
            .then(() => this.decide(callId, (c) => CallEngine.phoneAnswered(c, effect.side)))
            .catch((err) => this.logger.warn({ err, callId }, 'transfer to phone failed'));
          break;
        case 'hangupPhone':
          await this.phone.hangup(effect.msisdn, callId);
          break;
        case 'armRingTimer': {
          const timer = setTimeout(
            () => void this.decide(callId, (c) => CallEngine.ringTimeout(c, Date.now())),
            this.options.ringTimeoutMs,
          );
          timer.unref();
          this.ringTimers.set(callId, timer);
          break;
        }
        case 'disarmRingTimer':
          clearTimeout(this.ringTimers.get(callId));
          this.ringTimers.delete(callId);
          break;
      }
    }
    if (observed.length > 0) this.tellObservers(callId, observed);
  }

  /** Sends to a terminal wherever it is registered; only a terminal on another node is waited for. */
  private deliver(terminalId: string, message: WebTerminalMessage): Promise<void> | undefined {
    if (this.sessions.has(terminalId)) {
      this.deliverLocal(terminalId, message);
      return undefined;
    }
    return this.deliverRemote(terminalId, message);
  }

  private async deliverRemote(terminalId: string, message: WebTerminalMessage): Promise<void> {
    const node = await this.registry.nodeOfTerminal(terminalId);
    if (node) await this.bus.send(node, { kind: 'deliver', terminalId, message });
  }

  private deliverLocal(terminalId: string, message: WebTerminalMessage): void {
    const session = this.sessions.get(terminalId);
    if (!session) return;
    const kind = message.message?.$case;
    if (kind === 'offer') this.track(session, message.callId, true);
    if (kind === 'bye') this.track(session, message.callId, false);
    session.send(message);
  }

  private async release(terminalId: string, callId: string): Promise<void> {
    const session = this.sessions.get(terminalId);
    if (session) {
      this.track(session, callId, false);
      return;
    }
    const node = await this.registry.nodeOfTerminal(terminalId);
    if (node) await this.bus.send(node, { kind: 'release', terminalId, callId });
  }

  /** After the write: every node (this one at once) drops what it kept of the msisdn's terminals. */
  private async directoryChanged(msisdn: string): Promise<void> {
    this.registry.forget(msisdn);
    await this.bus
      .announceDirectoryChange(msisdn)
      .catch((err) => this.logger.warn({ err, msisdn }, 'could not announce a registration change'));
  }

  /** Which calls a terminal is in, here (Pipe routing, drop handling) and in Redis (busy checks elsewhere). */
  private track(session: TerminalSession, callId: string, inCall: boolean): void {
    if (session.calls.has(callId) === inCall) return;
    if (inCall) {
      session.calls.add(callId);
      void this.registry.addCall(session.ref, callId).catch(() => undefined);
    } else {
      session.calls.delete(callId);
      void this.registry.removeCall(session.ref, callId).catch(() => undefined);
    }
  }

  /** One decision at a time per call. */
  private serialize(callId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(callId) ?? Promise.resolve();
    const next = previous
      .then(work, work)
      .catch((err) => this.logger.error({ err, callId }, 'call step failed'));
    this.queues.set(callId, next);
    void next.then(() => {
      if (this.queues.get(callId) === next) this.queues.delete(callId);
    });
    return next;
  }

  async close(): Promise<void> {
    for (const timer of this.ringTimers.values()) clearTimeout(timer);
    await Promise.allSettled([...this.sessions.values()].map((s) => this.unregister(s)));
    await this.registry.removeNode(this.nodeId);
    await this.bus.close();
  }
}
