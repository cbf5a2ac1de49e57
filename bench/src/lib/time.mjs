import { setTimeout as delay } from 'node:timers/promises';

export const sleep = (ms) => delay(ms);

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export const epochMs = () => performance.timeOrigin + performance.now();

/** Rejects with `what` in the message if `promise` has not settled within `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
