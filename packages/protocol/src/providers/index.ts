export * from './calls.js';
export * from './video.js';
