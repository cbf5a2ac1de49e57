import { pino, type Logger } from 'pino';
import { currentLogContext } from './log-context.js';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; stdout by default. */
  destination?: pino.DestinationStream;
}

/** One JSON logger per process; LOG_LEVEL=silent keeps test output readable. */
export function createLogger(options: LoggerOptions): Logger {
  const settings: pino.LoggerOptions = {
    name: options.service,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // The request (or job) being served names itself on every line, without passing loggers around.
    mixin: () => currentLogContext() ?? {},
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.client_secret', '*.accessToken'],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
