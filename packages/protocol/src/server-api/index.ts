export * from './admin-clients.js';
export * from './server-routes.js';
