export * from './calls.js';
export * from './video.js';
export * from './parley-webhook.js';
export * from './gateway-routes.js';
