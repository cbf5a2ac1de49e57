export * from './guests.js';
