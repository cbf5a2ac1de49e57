export * from './limits.js';
export * from './parts.js';
export * from './identity.js';
export * from './messages.js';
export * from './conversations.js';
export * from './events.js';
export * from './realtime.js';
export * from './me.js';
