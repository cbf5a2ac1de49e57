export * from './pre-send-hooks.js';
