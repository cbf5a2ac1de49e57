import { runService } from '@parley/service-kit';
import { startVoiceProxy } from './bootstrap/create-app.js';
import { loadConfig } from './config/config.js';

await runService({
  name: 'voice-proxy',
  loadConfig: () => loadConfig(),
  processOf: (config) => config.process,
  async start({ config, logger, lifecycle }) {
    await startVoiceProxy(config, logger, lifecycle);
  },
});
