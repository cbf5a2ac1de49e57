import { createLogger } from '@parley/logger';
import { RedisUnreachableError, startTerminalCore } from './bootstrap/create-app.js';
import { ConfigError, loadConfig } from './config/config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ service: 'terminal-core', level: config.logLevel });
  try {
    const running = await startTerminalCore(config, logger);
    const stop = () => void running.close().finally(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (err) {
    if (err instanceof RedisUnreachableError) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'terminal-core failed to start');
    process.exit(1);
  }
}

void main();
