export * from './guests.js';
export * from './desk.js';
