/** Prints rows of [label, value, detail] as an aligned plain-text table under a title. */
export function printTable(title, rows) {
  const width = (i) => Math.max(...rows.map((r) => String(r[i] ?? '').length));
  const [w0, w1] = [width(0), width(1)];
  console.log(`\n${title}`);
  console.log('-'.repeat(Math.min(100, w0 + w1 + 40)));
  for (const [label, value, detail = ''] of rows) {
    console.log(`${String(label).padEnd(w0)}  ${String(value ?? '-').padStart(w1)}  ${detail}`);
  }
}

/** Progress goes to stderr so stdout stays the table plus the final JSON line. */
export function progress(message) {
  process.stderr.write(`[bench] ${message}\n`);
}
