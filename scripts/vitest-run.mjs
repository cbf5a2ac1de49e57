#!/usr/bin/env node
// Runs vitest in the current workspace and keeps a JSON report per run, so the root test command can
// print one total for the whole repository.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [labelArg, ...extra] = process.argv.slice(2);
const label = labelArg || basename(process.cwd());
const reports = join(root, '.test-results');
mkdirSync(reports, { recursive: true });
const result = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(reports, `${label}.json`)}`,
    ...extra,
  ],
  { stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
