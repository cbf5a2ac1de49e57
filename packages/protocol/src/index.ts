export * from './common.js';
export * from './messaging/index.js';
