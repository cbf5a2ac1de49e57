export * from './common.js';
export * from './messaging/index.js';
export * from './webterminal/index.js';
