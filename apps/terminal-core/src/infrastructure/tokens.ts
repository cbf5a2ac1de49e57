/** Nest injection tokens for resources built before the app starts. */
export const REDIS = Symbol('REDIS');
export const COORDINATOR = Symbol('COORDINATOR');
