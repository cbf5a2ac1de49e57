import { runService } from '@parley/service-kit';
import { startMessaging } from './bootstrap/create-app.js';
import { seedDemoUsers } from './bootstrap/demo-users.js';
import { loadConfig } from './config/config.js';

await runService({
  name: 'messaging',
  loadConfig: () => loadConfig(),
  processOf: (config) => config.process,
  async start({ config, logger, lifecycle }) {
    const running = await startMessaging(config, logger, lifecycle);
    if (config.identity.seedDemoUsers) await seedDemoUsers(running.url, logger);
  },
});
