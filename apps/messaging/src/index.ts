// Entry for tests and benchmarks that start the service in-process.
export { startMessaging, type RunningMessaging } from './bootstrap/create-app.js';
export { loadConfig, type MessagingConfig } from './config/config.js';
