/** Nest injection tokens for the process-wide resources built before the app starts. */
export const DATABASE = Symbol('DATABASE');
export const EVENT_BUS = Symbol('EVENT_BUS');
export const REALTIME_FANOUT = Symbol('REALTIME_FANOUT');
export const TOKEN_ISSUER = Symbol('TOKEN_ISSUER');
export const LOGGER = Symbol('LOGGER');
/** The plain Redis client shared by rate limits and presence. */
export const REDIS = Symbol('REDIS');
