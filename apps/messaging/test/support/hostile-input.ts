// fast-check arbitraries for input a client should never send but an attacker or a broken client will:
// text over the whole Unicode range (NUL, lone surrogates, bidi controls, very long), JSON of any shape and
// depth, bytes that are not UTF-8, and values shaped like a route's JSON schema but wrong inside.
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { findInputIssue } from '@parley/protocol';

export type JsonSchema = Record<string, unknown>;

/** Characters that have broken parsers, databases, loggers and renderers before. */
const TROUBLESOME = [
  '\u0000',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\u202E', // RIGHT-TO-LEFT OVERRIDE
  '\u202D',
  '\u2066', // LEFT-TO-RIGHT ISOLATE
  '\u2069',
  '\u200F',
  '\u061C',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\uFFFD',
  '\uFFFE',
  '\uFFFF',
  '\u{10FFFF}',
  '\u{1F600}',
  '\u{1F469}\u200D\u{1F4BB}',
  'e\u0301',
  '\u0130',
  '\u00DF',
  '\u00A0',
  '\u3000',
  '\u2028',
  '\r\n',
  '\t',
  '\u001B[31m',
  '%00',
  '%',
  '%%',
  '\\',
  '\\u0000',
  "'",
  '"',
  '`',
  '${1}',
  '{{1}}',
  '%s%n',
  '<script>',
  '../',
  '*',
  '_',
  'null',
  'undefined',
  'true',
  '-1',
  'NaN',
  '1e309',
  '__proto__',
  'constructor',
  ' ',
];

/** One UTF-16 code unit of any value: lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Strings a server must refuse or store faithfully, never choke on. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc.string({
      unit: fc.oneof(fc.constantFrom(...TROUBLESOME), fc.string({ unit: 'binary', maxLength: 2 })),
      maxLength: 12,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '\uD800', 'a\uDC00b', '\u202Eabc') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.integer({ min: 200, max: 70_000 }))
      .map(([seed, length]) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length)),
  },
);

/** Object keys, including the ones that are special to JavaScript. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString.filter((s) => s.length < 300) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''),
  },
);

/** Any JSON value, with strings from the whole Unicode range (lone surrogates included). */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: codeUnit }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, true, false, 0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, '', [], {}),
  },
);

/** JSON text nested `depth` levels deep (arrays, objects or both): deeper than any rule allows. */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 20, max: 250 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 100_000 }) },
    ),
    fc.constantFrom('array', 'object', 'mixed'),
    fc.constantFrom('1', '"\\u0000"', 'null', '{}'),
  )
  .map(([depth, kind, leaf]) => {
    let open = '';
    let close = '';
    for (let i = 0; i < depth; i += 1) {
      const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
      open += asArray ? '[' : '{"a":';
      close = (asArray ? ']' : '}') + close;
    }
    return open + leaf + close;
  });

/**
 * A JSON object with more keys than any route takes: thousands, on both sides of the 10,000-value limit,
 * and still under the 512 KiB body limit.
 */
export const wideJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 2_000, max: 15_000 }), fc.constantFrom('k', 'participants', '\u202E', 'é'))
  .map(([count, base]) => {
    const entries: string[] = [];
    for (let i = 0; i < count; i += 1) entries.push(`${JSON.stringify(base + i)}:${i % 3 === 0 ? '[]' : i}`);
    return `{${entries.join(',')}}`;
  });

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates. */
export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc.constantFrom(
  Uint8Array.of(0xff),
  Uint8Array.of(0xc3, 0x28),
  Uint8Array.of(0xc0, 0xaf),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
  Uint8Array.of(0x80),
  Uint8Array.of(0xe2, 0x82),
);

/** Text that is almost JSON. */
export function malformedJsonText(base: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat(Math.max(base.length - 1, 0)).map((n) => base.slice(0, n)),
    fc.constantFrom(
      `${base},`,
      `${base}garbage`,
      `\uFEFF${base}`,
      base.replace(/"/g, "'"),
      `{"a":NaN}`,
      `{"a":1,}`,
      `{/* c */}`,
      `{"a":1e99999}`,
      `{"a":-}`,
      `{"a":"\\uD800"}`,
      `{"a":"\\u0000"}`,
      `{"a":"\\x41"}`,
      `{"a":1,"a":2}`,
      `{"__proto__":{"x":1}}`,
      '[',
      '{',
      '"',
      'null',
      '0',
      '"text"',
      'true',
      '[]',
      '',
    ),
  );
}

/** JSON any route could store: every value passes the protocol's input rules. */
export const storableJson: fc.Arbitrary<unknown> = fc
  .jsonValue({
    maxDepth: 3,
    stringUnit: fc.oneof(fc.constantFrom(...TROUBLESOME), fc.string({ unit: 'binary', maxLength: 1 })),
  })
  .filter((v) => findInputIssue(v, 'value') === undefined);

/** Text a route may accept: the whole Unicode range and the troublesome characters, without NUL or lone surrogates. */
export function storableString(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom(...TROUBLESOME) },
  );
  return fc
    .string({ unit, minLength, maxLength })
    .map((s) => s.replaceAll('\u0000', ' ').replace(/\p{Cs}/gu, '\uFFFD'))
    .filter((s) => s.length >= minLength && s.length <= maxLength);
}

/** The first `length` UTF-16 units, without splitting a surrogate pair. */
function cutTo(text: string, length: number): string {
  return text.slice(0, length).replace(/[\uD800-\uDBFF]$/, '');
}

export interface ShapeHints {
  /** Values worth trying for fields of this name: real ids, known MIME types, real credentials. */
  byField: Record<string, fc.Arbitrary<unknown>>;
  /** Values for `format: uuid` fields: real ids most of the time. */
  uuid: fc.Arbitrary<string>;
}

/**
 * How far from the schema values go: `valid` keeps to its types, bounds, patterns and required fields
 * (a route should act on it); `shaped` keeps its field names and nesting but mixes in values of the wrong
 * type, out of range or hostile, leaves out required fields and adds unknown ones.
 */
export type Fidelity = 'valid' | 'shaped';

/** A value for `schema` at the given fidelity; fields named in `hints` often get the hinted (real) values. */
export function valueFor(
  schema: JsonSchema,
  hints: ShapeHints,
  fidelity: Fidelity,
  field?: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  const hint = field !== undefined ? hints.byField[field] : undefined;
  const own = depth > 6 ? storableJson : ownValue(schema, hints, fidelity, field, depth);
  const plausible = hint ? fc.oneof({ weight: 2, arbitrary: hint }, { weight: 1, arbitrary: own }) : own;
  return fidelity === 'valid'
    ? plausible
    : fc.oneof({ weight: 6, arbitrary: plausible }, { weight: 1, arbitrary: anyJson });
}

function ownValue(
  schema: JsonSchema,
  hints: ShapeHints,
  fidelity: Fidelity,
  field: string | undefined,
  depth: number,
): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0)
    return fc.oneof(...branches.map((b) => valueFor(b, hints, fidelity, field, depth + 1)));
  switch (schema.type) {
    case 'object':
      return objectValue(schema, hints, fidelity, depth);
    case 'array':
      return arrayValue(schema, hints, fidelity, field, depth);
    case 'string':
      return stringValue(schema, hints, fidelity);
    case 'integer':
    case 'number':
      return numberValue(schema, fidelity);
    case 'boolean':
      return fidelity === 'valid'
        ? fc.boolean()
        : fc.oneof({ weight: 4, arbitrary: fc.boolean() }, fc.constantFrom('true', 1, 0, null));
    case 'null':
      return fc.constant(null);
    default:
      return fidelity === 'valid' ? storableJson : anyJson;
  }
}

function stringValue(schema: JsonSchema, hints: ShapeHints, fidelity: Fidelity): fc.Arbitrary<string> {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  let valid: fc.Arbitrary<string>;
  if (schema.format === 'uuid') valid = hints.uuid;
  else if (schema.format === 'uri') valid = fc.webUrl({ validSchemes: ['https', 'http'] });
  else if (typeof schema.pattern === 'string') {
    valid = fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((s) => s.length >= min && (max === undefined || s.length <= max));
  } else {
    valid = fc.oneof(
      { weight: 6, arbitrary: storableString(min, Math.min(max ?? 60, 60)) },
      // At the limit (or far past a length the schema leaves open): what the storage and size checks see.
      {
        weight: 1,
        arbitrary: storableString(1, 4).map((s) =>
          cutTo(s.repeat(Math.ceil((max ?? 70_000) / s.length)), max ?? 70_000),
        ),
      },
    );
    if (max !== undefined) valid = valid.filter((s) => s.length >= min && s.length <= max);
  }
  if (fidelity === 'valid') return valid;
  const lengths = [min, max].filter((n): n is number => typeof n === 'number' && n > 0);
  const options = [valid, hostileString];
  if (lengths.length > 0)
    options.push(
      fc
        .tuple(
          fc.constantFrom(...lengths.flatMap((n) => [Math.max(n - 1, 0), n, n + 1])),
          fc.constantFrom('a', '\u{1F600}', '\u00E9', 'e\u0301', ' '),
        )
        .map(([n, c]) => c.repeat(n)),
    );
  if (schema.format === 'uri')
    options.push(
      fc.constantFrom('javascript:alert(1)', 'https://', 'http://[::1', 'ftp://x', 'https://a\u0000b'),
    );
  return fc.oneof(...options);
}

function numberValue(schema: JsonSchema, fidelity: Fidelity): fc.Arbitrary<number> {
  const integer = schema.type === 'integer';
  const min =
    typeof schema.minimum === 'number' ? schema.minimum : integer ? Number.MIN_SAFE_INTEGER : -1e308;
  const max = typeof schema.maximum === 'number' ? schema.maximum : integer ? Number.MAX_SAFE_INTEGER : 1e308;
  const inRange = integer
    ? fc.oneof(
        fc.integer({ min: Math.max(min, -1000), max: Math.max(Math.min(max, 1000), min) }),
        fc.constantFrom(min, max),
        fc.integer({
          min: Math.max(min, Number.MIN_SAFE_INTEGER),
          max: Math.min(max, Number.MAX_SAFE_INTEGER),
        }),
      )
    : fc.double({ min, max, noNaN: true });
  if (fidelity === 'valid') return inRange;
  const edges = [
    0,
    -1,
    1,
    0.5,
    -0.5,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53 + 2,
    1e308,
    -1e308,
    min - 1,
    max + 1,
  ];
  return fc.oneof(inRange, fc.constantFrom(...edges), fc.double({ noNaN: true, noDefaultInfinity: true }));
}

function arrayValue(
  schema: JsonSchema,
  hints: ShapeHints,
  fidelity: Fidelity,
  field: string | undefined,
  depth: number,
): fc.Arbitrary<unknown[]> {
  // Items are not the field itself: a hint for `parts` is a whole array, not one part.
  const item = valueFor(
    (schema.items as JsonSchema | undefined) ?? {},
    hints,
    fidelity,
    undefined,
    depth + 1,
  );
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : 10;
  const usual = fc.array(item, { minLength: min, maxLength: Math.max(min, Math.min(max, 4)) });
  if (fidelity === 'valid') return usual;
  return fc.oneof(
    { weight: 5, arbitrary: fc.array(item, { maxLength: Math.min(max, 4) }) },
    { weight: 1, arbitrary: fc.array(item, { minLength: max + 1, maxLength: max + 1 }) },
  );
}

function objectValue(
  schema: JsonSchema,
  hints: ShapeHints,
  fidelity: Fidelity,
  depth: number,
): fc.Arbitrary<unknown> {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = ((schema.required as string[] | undefined) ?? []).filter((r) => r in properties);
  const names = Object.keys(properties);
  if (names.length === 0) {
    // A record (customData): keys around its key limit, JSON values.
    const keyLimit = (schema.propertyNames as JsonSchema | undefined)?.maxLength;
    if (fidelity === 'valid')
      return fc.dictionary(
        storableString(0, typeof keyLimit === 'number' ? Math.min(keyLimit, 40) : 40),
        storableJson,
        { maxKeys: 6 },
      );
    const keys =
      typeof keyLimit === 'number'
        ? fc.oneof(hostileKey, fc.constantFrom('k'.repeat(keyLimit), 'k'.repeat(keyLimit + 1)))
        : hostileKey;
    return fc.dictionary(keys, anyJson, { maxKeys: 6 });
  }
  const fields = Object.fromEntries(
    names.map((n) => [n, valueFor(properties[n]!, hints, fidelity, n, depth + 1)]),
  );
  if (fidelity === 'valid') {
    // Each optional field is another chance to be refused for something else; leave most of them out.
    const sparse = Object.fromEntries(
      names.map((n) => [
        n,
        required.includes(n)
          ? fields[n]!
          : fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fields[n]! }),
      ]),
    );
    return fc
      .record(sparse)
      .map((value) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
  }
  const shaped = fc.oneof(
    { weight: 4, arbitrary: fc.record(fields, { requiredKeys: required }) },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
  );
  return fc
    .tuple(shaped, fc.option(fc.dictionary(hostileKey, anyJson, { minKeys: 1, maxKeys: 3 }), { freq: 8 }))
    .map(([value, extra]) => (extra ? { ...extra, ...value } : value));
}

/** Random bytes, percent-encoded: what a path or query may carry that is not UTF-8 at all. */
export const encodedBytes = fc
  .uint8Array({ maxLength: 24 })
  .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));

/** Characters a header value may carry on the wire (latin1 without controls). */
export const headerText = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
    .map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

/** A PNG header claiming `width` x `height` pixels: a few bytes that would decode into gigabytes. */
function pngClaiming(png: Buffer, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(17);
  ihdr.write('IHDR', 0, 'ascii');
  ihdr.writeUInt32BE(width, 4);
  ihdr.writeUInt32BE(height, 8);
  ihdr.set([8, 6, 0, 0, 0], 12);
  const chunk = Buffer.alloc(25);
  chunk.writeUInt32BE(13, 0);
  ihdr.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(ihdr), 21);
  return Buffer.concat([png.subarray(0, 8), chunk, png.subarray(33)]);
}

/** File contents: the real image, broken and truncated copies of it, other formats' magic bytes, noise. */
function fileContents(png: Buffer): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(png) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
        .map((flips) => {
          const copy = Buffer.from(png);
          for (const [at, value] of flips) copy[at % copy.length] = value;
          return copy;
        }),
    },
    { weight: 1, arbitrary: fc.nat().map((n) => png.subarray(0, n % png.length)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        pngClaiming(png, 100_000, 100_000),
        pngClaiming(png, 0, 0),
        pngClaiming(png, 1, 2 ** 31),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'GIF89a',
            '%PDF-1.7\n',
            '\xFF\xD8\xFF\xE0',
            'RIFF\0\0\0\0WEBPVP8 ',
            '\0\0\0\x18ftypmp42',
            'PK\x03\x04',
            '<svg ',
          ),
          fc.uint8Array({ maxLength: 300 }),
        )
        .map(([magic, rest]) => Buffer.concat([Buffer.from(magic, 'latin1'), rest])),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }) },
  );
}

/**
 * A multipart/form-data body with a file field: a well-formed upload of `png` (names in any script), or,
 * when `hostile`, any field names, file names, declared types, contents, boundaries and endings.
 */
export function multipartBody(
  png: Buffer,
  hostile: boolean,
): fc.Arbitrary<{ contentType: string; bytes: Buffer }> {
  const part = fc.record({
    field: hostile
      ? fc.oneof({ weight: 3, arbitrary: fc.constant('file') }, hostileKey)
      : fc.constant('file'),
    filename: hostile
      ? fc.oneof(fc.constantFrom('photo.png', '../../etc/passwd', 'x"y.png', ''), hostileString)
      : fc.oneof(
          fc.constantFrom('photo.png', 'a b.PNG', '\u202Egnp.exe', '..png'),
          storableString(1, 60).filter((n) => !/["\r\n\\]/.test(n)),
        ),
    type: hostile
      ? fc.oneof(
          fc.constantFrom('image/png', 'application/octet-stream', 'text/plain', 'image/svg+xml'),
          headerText,
        )
      : fc.constantFrom('image/png', 'application/octet-stream', 'IMAGE/PNG'),
    bytes: hostile ? fileContents(png) : fc.constant(png),
  });
  return fc
    .record({
      parts: fc.array(part, { minLength: hostile ? 0 : 1, maxLength: hostile ? 4 : 1 }),
      boundary: hostile ? fc.oneof(fc.constant('fuzz-boundary'), headerText) : fc.constant('fuzz-boundary'),
      ending: hostile ? fc.constantFrom('--\r\n', '', '\r\n', '--') : fc.constant('--\r\n'),
    })
    .map(({ parts, boundary, ending }) => {
      const chunks = parts.flatMap((p) => [
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.filename}"\r\n` +
            `Content-Type: ${p.type}\r\n\r\n`,
        ),
        p.bytes,
        Buffer.from('\r\n'),
      ]);
      return {
        contentType: `multipart/form-data; boundary=${boundary}`,
        bytes: Buffer.concat([...chunks, Buffer.from(`--${boundary}${ending}`)]),
      };
    });
}
