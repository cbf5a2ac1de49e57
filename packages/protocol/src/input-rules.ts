/**
 * What every string and JSON value must be before it is accepted anywhere (REST bodies, query strings,
 * WebSocket frames, bus events): storable as it is in PostgreSQL and every client, and bounded in shape.
 * The rules, decided once:
 * - text must be well-formed Unicode without NUL: PostgreSQL text cannot hold U+0000 and a lone surrogate
 *   has no UTF-8 form, so both are refused (400) rather than altered;
 * - JSON nests at most `maxJsonDepth` levels and holds at most `maxJsonNodes` values, so a hostile
 *   document cannot exhaust a validator's stack or a server's time;
 * - request bodies must be valid UTF-8 (checked where bytes are decoded).
 */
export const InputLimits = {
  maxJsonDepth: 32,
  maxJsonNodes: 10_000,
} as const;

export interface InputIssue {
  path: string;
  message: string;
}

// With the `u` flag paired surrogates are one code point, so only lone ones match.
const LONE_SURROGATE = /\p{Cs}/u;

/** Well-formed (no lone surrogates) and free of U+0000. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

function describeText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (a lone surrogate has no UTF-8 form)';
  return undefined;
}

/**
 * The first thing in `value` that breaks the rules above, with its path (`where.a.0.b`), or undefined.
 * Iterative, so the check itself cannot overflow the stack on a deep document.
 */
export function findInputIssue(value: unknown, where: string, limits = InputLimits): InputIssue | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: where, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (++nodes > limits.maxJsonNodes)
      return { path: where, message: `has more than ${limits.maxJsonNodes} values` };
    if (typeof v === 'string') {
      const problem = describeText(v);
      if (problem) return { path, message: problem };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limits.maxJsonDepth)
      return { path, message: `nests deeper than ${limits.maxJsonDepth} levels` };
    const entries: Array<[string, unknown]> = Array.isArray(v)
      ? v.map((item, i) => [String(i), item])
      : Object.entries(v as Record<string, unknown>);
    for (const [key, child] of entries) {
      const childPath = `${path}.${key}`;
      const keyProblem = Array.isArray(v) ? undefined : describeText(key);
      if (keyProblem) return { path: childPath, message: `field name ${keyProblem}` };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
