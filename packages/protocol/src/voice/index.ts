export * from './signals.js';
export * from './calls.js';
