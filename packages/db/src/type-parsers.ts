import pg from 'pg';

// Both drivers must return the same JS values for the same SQL, so the few types where their
// defaults differ (or are awkward) are parsed here once and handed to each driver.
const TEXT_ARRAY_OID = 1009;
const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;
const DATE_OID = 1082;
const DATE_ARRAY_OID = 1182;

/** int8 (bigint, count(*)) as a number; refuses values a number cannot hold exactly. */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} is outside the safe integer range; select it as ::text`);
  }
  return value;
}

/** date stays 'YYYY-MM-DD': a JS Date would shift it by the local or UTC offset depending on driver. */
function parseDate(text: string): string {
  return text;
}

/** For PGlite's `parsers` option; PGlite derives the array parsers from these itself. */
export const pgliteParsers: Record<number, (text: string) => unknown> = {
  [INT8_OID]: parseInt8,
  [DATE_OID]: parseDate,
};

type NestedArray<T> = (T | null | NestedArray<T>)[];

function mapNested<T>(value: NestedArray<string>, parse: (text: string) => T): NestedArray<T> {
  return value.map((item) =>
    item === null ? null : Array.isArray(item) ? mapNested(item, parse) : parse(item),
  );
}

// pg's text[] parser handles the array literal syntax (quoting, NULL, nesting) for any element type.
const parseTextArray = (pg.types.getTypeParser as (oid: number, format: 'text') => unknown)(
  TEXT_ARRAY_OID,
  'text',
) as (text: string) => NestedArray<string>;

const pgTextParsers: Record<number, (text: string) => unknown> = {
  ...pgliteParsers,
  [INT8_ARRAY_OID]: (text) => mapNested(parseTextArray(text), parseInt8),
  [DATE_ARRAY_OID]: (text) => mapNested(parseTextArray(text), parseDate),
};

/** For a pg Pool's `types` option, so the process-wide pg.types stay untouched. */
export const pgTypeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && pgTextParsers[oid]
      ? pgTextParsers[oid]
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
