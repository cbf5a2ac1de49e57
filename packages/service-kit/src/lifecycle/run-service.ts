import { createLogger, type Logger } from '@parley/logger';
import { ConfigError } from '../config/define-config.js';
import { Lifecycle } from './lifecycle.js';
import { DependencyUnreachableError } from './startup-errors.js';

/** Exit codes every Parley service uses; `npm start` and orchestrators read them. */
export const ExitCodes = {
  ok: 0,
  failed: 1,
  /** Bad configuration or a missing dependency: restarting will not help until someone acts. */
  cannotStart: 2,
  /** The close did not finish in time; what was left was abandoned. */
  closeTimedOut: 3,
  interrupted: 130,
} as const;

export interface ServiceContext<C> {
  config: C;
  logger: Logger;
  lifecycle: Lifecycle;
}

export interface RunServiceOptions<C> {
  name: string;
  loadConfig: () => C;
  /** The log level and close budget come from the config's process section. */
  processOf: (config: C) => { logLevel: string; shutdownTimeoutMs: number };
  /** Builds and starts everything, registering each part's close with `lifecycle` as it goes. */
  start: (context: ServiceContext<C>) => Promise<void>;
}

/**
 * The one `main` of every service: loads the config, starts, and on SIGTERM/SIGINT closes in order within
 * a bounded time, then exits with a code that says how it ended. A second signal exits at once.
 */
export async function runService<C>(options: RunServiceOptions<C>): Promise<void> {
  let config: C;
  try {
    config = options.loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(ExitCodes.cannotStart);
    }
    throw err;
  }
  const { logLevel, shutdownTimeoutMs } = options.processOf(config);
  const logger = createLogger({ service: options.name, level: logLevel });
  const lifecycle = new Lifecycle(logger);

  const shutdown = async (reason: string, exitCode: number): Promise<never> => {
    logger.info({ reason }, `${options.name} closing`);
    const report = await lifecycle.close(shutdownTimeoutMs);
    if (!report.completed) {
      logger.error({ phase: report.timedOutIn, ms: report.ms }, `${options.name} did not close in time`);
      process.exit(ExitCodes.closeTimedOut);
    }
    logger.info({ ms: report.ms }, `${options.name} closed`);
    process.exit(report.failed.length > 0 && exitCode === ExitCodes.ok ? ExitCodes.failed : exitCode);
  };

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the close');
      process.exit(ExitCodes.interrupted);
    }
    signalled = true;
    void shutdown(signal, ExitCodes.ok);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaught exception', ExitCodes.failed);
  });

  try {
    await options.start({ config, logger, lifecycle });
  } catch (err) {
    const cannotStart = err instanceof DependencyUnreachableError || err instanceof ConfigError;
    if (cannotStart) {
      logger.fatal((err as Error).message);
      process.stderr.write(`\n${(err as Error).message}\n\n`);
    } else logger.fatal({ err }, `${options.name} failed to start`);
    await lifecycle.close(shutdownTimeoutMs);
    process.exit(cannotStart ? ExitCodes.cannotStart : ExitCodes.failed);
  }
}
