#!/usr/bin/env node
// Parley promises Node.js 20.19 or later: every package in the lockfile must accept the oldest Node we
// support, or `npm ci` warns EBADENGINE and the package may break on it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const semver = require('semver');
const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const oldest = semver.minVersion(root.engines.node).version;

const refused = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  const range = entry.engines?.node;
  if (!range || !path) continue;
  if (!semver.satisfies(oldest, range, { includePrerelease: true }))
    refused.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version}: node ${range}`);
}
if (refused.length > 0) {
  process.stderr.write(`These packages do not accept Node.js ${oldest}:\n  ${refused.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`every locked package accepts Node.js ${oldest}\n`);
