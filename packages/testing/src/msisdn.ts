import { randomInt } from 'node:crypto';

/**
 * A random Norwegian-style mobile number (+479 and 7 digits) in E.164: unique enough that the users and
 * terminals of one run never share a number. A sign-up that finds it taken should draw another.
 */
export function randomMsisdn(): string {
  return `+479${String(randomInt(10_000_000)).padStart(7, '0')}`;
}
