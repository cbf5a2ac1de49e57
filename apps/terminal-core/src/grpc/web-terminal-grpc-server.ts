import { Server, ServerCredentials, status, type Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import type { TokenVerifier } from '@parley/auth';
import { describeFailure, failureToGrpc, type ServiceMetrics } from '@parley/service-kit';
import type { Logger } from '@parley/logger';
import { WebTerminalServiceNames, type WebTerminalMessage } from '@parley/protocol';
import { WebTerminalServiceService, webTerminalServiceNamed } from '@parley/protocol/grpc';
import type { CallCoordinator } from '../calls/call-coordinator.js';
import type { TerminalSession } from '../terminals/terminal-session.js';
import { authenticateTerminal } from '../terminals/terminal-auth.js';
import { TerminalCoreMetrics } from '../metrics.js';
import { BoundedStreamWriter } from './bounded-stream-writer.js';

type Stream = ServerDuplexStream<WebTerminalMessage, WebTerminalMessage>;

/**
 * What may wait for one terminal that does not read its stream, as the WebSocket bridge allows per socket.
 * A terminal that reads keeps this near zero: what it is sent is signalling, a few KB per call.
 */
export const MAX_QUEUED_BYTES_PER_TERMINAL = 4 * 1024 * 1024;

/** Roughly what a message holds while it waits: its SDP and texts, and a little for the rest. */
function approximateSize(message: WebTerminalMessage): number {
  const body = message.message;
  let size = 64 + message.callId.length;
  if (body?.$case === 'offer' || body?.$case === 'answer') size += body.value.sdp.length;
  if (body?.$case === 'error') size += body.value.message.length;
  if (body?.$case === 'bye') size += body.value.reason.length;
  return size;
}

function bearerFrom(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  const header = typeof value === 'string' ? value : value?.toString();
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

/**
 * The gRPC face of the core: Pipe and MultiPipe, served under the original WebTerminal v0 service name
 * and under Parley's own. Authentication happens when the stream opens, from the `authorization` metadata.
 */
export class WebTerminalGrpcServer {
  // Keepalive pings find half-open connections (a laptop lid closed): their calls end within ~30 s.
  private readonly server = new Server({
    'grpc.max_receive_message_length': 256 * 1024,
    'grpc.keepalive_time_ms': 20_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  private boundPort = 0;
  private readonly streams = new Set<Stream>();

  constructor(
    private readonly coordinator: CallCoordinator,
    private readonly verifier: TokenVerifier,
    private readonly logger: Logger,
    metrics?: ServiceMetrics,
  ) {
    metrics?.sample(TerminalCoreMetrics.openStreams, () => this.streams.size);
    const implementation = {
      pipe: (stream: Stream) => void this.open(stream, 'pipe'),
      multiPipe: (stream: Stream) => void this.open(stream, 'multi'),
    };
    this.server.addService(WebTerminalServiceService, implementation);
    this.server.addService(webTerminalServiceNamed(WebTerminalServiceNames.parley), implementation);
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(host: string, port: number): Promise<number> {
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
    return this.boundPort;
  }

  /**
   * Stops accepting streams, ends the open ones (the terminals see their stream finish; their calls end
   * with Bye to the other side as they unregister), and waits for them up to two seconds.
   */
  async close(): Promise<void> {
    const shutDown = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    for (const stream of this.streams) if (!stream.writableEnded) stream.end();
    await shutDown;
  }

  private async open(stream: Stream, mode: 'pipe' | 'multi'): Promise<void> {
    this.streams.add(stream);
    stream.once('close', () => this.streams.delete(stream));
    // Until a 'data' listener is attached the stream stays paused, so nothing sent early is lost; a
    // stream that ends while authenticating is noticed here and unregistered once registered.
    let endedEarly = false;
    const markEnded = () => (endedEarly = true);
    stream.once('cancelled', markEnded);
    stream.once('error', markEnded);
    stream.once('close', markEnded);
    let msisdn: string;
    try {
      ({ msisdn } = await authenticateTerminal(this.verifier, bearerFrom(stream.metadata)));
    } catch (err) {
      stream.emit('error', toGrpcStatus(err));
      return;
    }
    // A terminal that stops reading is ended with RESOURCE_EXHAUSTED and unregistered, as a dropped stream
    // would be: its calls end with a Bye to the other party. It sees the status once it reads again.
    const writer = new BoundedStreamWriter(
      stream,
      approximateSize,
      MAX_QUEUED_BYTES_PER_TERMINAL,
      (queued) => {
        this.logger.warn({ msisdn, mode, queuedBytes: queued }, 'terminal stopped reading; stream ended');
        stream.emit('error', {
          code: status.RESOURCE_EXHAUSTED,
          details: 'the terminal stopped reading its stream: too many messages wait for it; reconnect',
        });
      },
    );
    let session: TerminalSession;
    try {
      session = await this.coordinator.register({ msisdn, mode }, (message) => writer.write(message));
    } catch (err) {
      this.logger.warn({ err, msisdn, mode }, 'could not register a terminal');
      stream.emit('error', {
        code: status.UNAVAILABLE,
        details: 'cannot register the terminal right now; reconnect',
      });
      return;
    }
    const end = () =>
      void this.coordinator
        .unregister(session)
        .catch((err) => this.logger.warn({ err }, 'unregister failed'));
    if (endedEarly) {
      end();
      return;
    }
    stream.on('data', (message: WebTerminalMessage) => {
      session.inbound = session.inbound
        .then(() => this.coordinator.receive(session, message))
        .catch((err) => this.logger.error({ err }, 'terminal message failed'));
    });
    stream.on('end', () => {
      end();
      stream.end();
    });
    stream.on('cancelled', end);
    stream.on('error', end);
    stream.on('close', end);
  }
}

function toGrpcStatus(err: unknown): { code: number; details: string } {
  const failure = describeFailure(err);
  // Not a bad credential: the check itself failed (e.g. the JWKS did not answer).
  if (failure.kind === 'internal')
    return { code: status.UNAVAILABLE, details: 'cannot verify credentials right now' };
  return failureToGrpc(failure);
}
