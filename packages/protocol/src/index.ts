export * from './common.js';
export * from './input-rules.js';
export * from './messaging/index.js';
export * from './webterminal/index.js';
export * from './calls/index.js';
export * from './voice/index.js';
export * from './providers/index.js';
