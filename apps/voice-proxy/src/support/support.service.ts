import { hasScopes, Scopes, type Principal } from '@parley/auth';
import type { Database } from '@parley/db';
import type {
  OperatorAvailability,
  SetAvailabilityRequest,
  SupportLine,
  User,
  VoiceCallPage,
  VoiceCallPageQuery,
} from '@parley/protocol';
import { MessagingUnavailableError, type MessagingServerClient } from '@parley/server-sdk';
import { ForbiddenError, UnavailableError } from '@parley/service-kit';
import { decodeCursor, encodeCursor, toCallRecord } from '../calls/call-records.js';
import type { CallsRepository } from '../calls/calls.repository.js';
import type { OperatorRoster as OperatorQueue } from '@parley/desk';

export interface SupportServiceOptions {
  lineId: string;
  /** Usernames of the operators (SUPPORT_OPERATORS). */
  operatorUsernames: readonly string[];
}

/** The support line as users see it: whom to call, operators' availability, and the call records. */
export class SupportService {
  private readonly operatorUsernames: ReadonlySet<string>;

  constructor(
    private readonly options: SupportServiceOptions,
    private readonly operators: OperatorQueue,
    private readonly messaging: MessagingServerClient,
    private readonly db: Database,
    private readonly calls: CallsRepository,
  ) {
    this.operatorUsernames = new Set(options.operatorUsernames);
  }

  isOperator(principal: Principal): boolean {
    return (
      principal.kind === 'user' &&
      principal.username !== undefined &&
      this.operatorUsernames.has(principal.username)
    );
  }

  async line(principal: Principal): Promise<SupportLine> {
    if (!this.isOperator(principal)) return { line: this.options.lineId, operator: null };
    const { available, inCall } = await this.operators.availability(principal.subject);
    return { line: this.options.lineId, operator: { available, inCall } };
  }

  /** An operator goes on or off duty; going on reads their display name, the only thing customers learn. */
  async setAvailability(
    principal: Principal,
    authorization: string,
    request: SetAvailabilityRequest,
  ): Promise<OperatorAvailability> {
    if (!this.isOperator(principal))
      throw new ForbiddenError('only support operators set their availability');
    if (!request.available) return this.operators.setUnavailable(principal.subject);
    let operator: User | null;
    try {
      operator = await this.messaging.userAs(authorization, principal.subject);
    } catch (err) {
      if (err instanceof MessagingUnavailableError) throw displayNameUnavailable();
      throw err;
    }
    // Messaging not knowing the caller's own account is a lag between its stores, not a refusal: try again.
    if (!operator) throw displayNameUnavailable();
    return this.operators.setAvailable(principal.subject, operator.displayName);
  }

  /** Newest first: admins see every call, operators the calls they were rung for. */
  async callPage(principal: Principal, query: VoiceCallPageQuery): Promise<VoiceCallPage> {
    const admin = hasScopes(principal, [Scopes.admin]);
    if (!admin && !this.isOperator(principal))
      throw new ForbiddenError('only support operators and admins read call records');
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.calls.page(this.db, {
      ...(admin ? {} : { operatorId: principal.subject }),
      ...(before ? { before } : {}),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      calls: page.map(toCallRecord),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }
}

const displayNameUnavailable = () =>
  new UnavailableError('the operator’s display name could not be read from messaging; try again');
