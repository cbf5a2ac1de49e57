import { runService } from '@parley/service-kit';
import { startTerminalCore } from './bootstrap/create-app.js';
import { loadConfig } from './config/config.js';

await runService({
  name: 'terminal-core',
  loadConfig: () => loadConfig(),
  processOf: (config) => config.process,
  async start({ config, logger, lifecycle }) {
    await startTerminalCore(config, logger, { lifecycle });
  },
});
