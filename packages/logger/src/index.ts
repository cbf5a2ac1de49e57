export { createLogger, type Logger, type LoggerOptions } from './create-logger.js';
export { PinoNestLogger } from './pino-nest-logger.js';
export { currentLogContext, currentRequestId, runWithLogContext, type LogContext } from './log-context.js';
