import { createLogger } from '@parley/logger';
import { startMessaging } from './bootstrap/create-app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { RedisUnreachableError } from './infrastructure/redis-check.js';
import { seedDemoUsers } from './bootstrap/demo-users.js';

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
  const logger = createLogger({ service: 'messaging', level: config.logLevel });
  try {
    const running = await startMessaging(config, logger);
    if (config.seedDemoUsers) await seedDemoUsers(running.url, logger);
  } catch (err) {
    if (err instanceof RedisUnreachableError || err instanceof ConfigError) {
      logger.fatal(err.message);
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'messaging failed to start');
    process.exit(1);
  }
}

void main();
