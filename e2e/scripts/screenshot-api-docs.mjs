#!/usr/bin/env node
// Captures docs/screenshots/api-docs.png: the messaging service's /docs (Swagger UI on its OpenAPI document).
// Needs the platform running (`npm start`); MESSAGING_URL overrides the default address.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const messagingUrl = process.env.MESSAGING_URL ?? 'http://localhost:3001';
const out = join(root, 'docs/screenshots/api-docs.png');

const browser = await chromium.launch(chromiumLaunchOptions());
const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
await page.goto(`${messagingUrl}/docs`);
await page.locator('.swagger-ui .info .title').waitFor();
await page.locator('.opblock-tag[data-tag="Messages"]').waitFor();
await page.screenshot({ path: out, fullPage: false });
await browser.close();
process.stdout.write(`wrote ${out}\n`);
