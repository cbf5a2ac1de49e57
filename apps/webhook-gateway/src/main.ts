import { runService } from '@parley/service-kit';
import { startWebhookGateway } from './bootstrap/create-app.js';
import { loadConfig } from './config/config.js';

await runService({
  name: 'webhook-gateway',
  loadConfig: () => loadConfig(),
  processOf: (config) => config.process,
  async start({ config, logger, lifecycle }) {
    await startWebhookGateway(config, logger, lifecycle);
  },
});
