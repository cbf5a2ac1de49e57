#!/usr/bin/env node
// Parley web: a tiny dependency-free static server for the built app (dist/).
//   GET /config.json  -> { "messagingUrl": MESSAGING_PUBLIC_URL ?? "http://localhost:3001",
//                          "terminalUrl": TERMINAL_PUBLIC_URL ?? "ws://localhost:3002",
//                          "voiceProxyUrl": VOICE_PROXY_PUBLIC_URL ?? null,
//                          "gatewayUrl": WEBHOOK_GATEWAY_PUBLIC_URL ?? null,
//                          "demoUsers": SEED_DEMO_USERS === "true" }   (server-config.mjs)
//   GET /<file>       -> the file from dist/ with its content type
//   GET /<anything>   -> dist/index.html (SPA fallback) unless it looks like a missing asset
// Env: WEB_PORT (default 3000), WEB_HOST (default 0.0.0.0), MESSAGING_PUBLIC_URL, TERMINAL_PUBLIC_URL (the
// terminal-core WebSocket bridge browsers register with for calls), VOICE_PROXY_PUBLIC_URL (the voice proxy's
// REST API for support calls; without it the client shows no Support entry), WEBHOOK_GATEWAY_PUBLIC_URL (the
// webhook gateway: provider calls, video invites and push, with the providers it lists at /v1/providers;
// without it the client shows none of them), SEED_DEMO_USERS (true where messaging creates the demo users: the
// log-in page offers them only then).
//   GET /widget.js    -> the live-chat widget (@parley/widget's dist/widget.js, read once at start; 404 when it
//                        was not built), so pages on other sites include it from the same origin as the app.
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listenAddressFromEnv, webConfigFromEnv } from './server-config.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), 'dist');
// Found through the dependency, so the same line works in the repository and in the image.
const widgetFile = join(
  dirname(createRequire(import.meta.url).resolve('@parley/widget/package.json')),
  'dist/widget.js',
);
const widget = readOptional(widgetFile);
const { port, host } = listenAddressFromEnv(process.env);
const config = JSON.stringify(webConfigFromEnv(process.env));

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

function readOptional(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Resolves a URL path inside dist/, or undefined when it would escape it. */
function fileFor(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(root, decoded));
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

async function regularFile(file) {
  try {
    const info = await stat(file);
    return info.isFile() ? info : undefined;
  } catch {
    return undefined;
  }
}

function send(req, res, status, headers, body) {
  res.writeHead(status, { ...securityHeaders, ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendFile(req, res, file, info, cacheControl) {
  res.writeHead(200, {
    ...securityHeaders,
    'content-type': types[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'last-modified': info.mtime.toUTCString(),
    'cache-control': cacheControl,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(
      req,
      res,
      405,
      { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
      'Method Not Allowed\n',
    );
  }
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');

  if (pathname === '/config.json') {
    return send(
      req,
      res,
      200,
      { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      config,
    );
  }
  // /health/live and /health/ready: the same probe paths as the other services (Kubernetes, load balancers).
  if (pathname === '/healthz' || pathname === '/health/live' || pathname === '/health/ready') {
    return send(
      req,
      res,
      200,
      { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      'ok\n',
    );
  }

  if (pathname === '/widget.js') {
    if (!widget) {
      return send(
        req,
        res,
        404,
        { 'content-type': 'text/plain; charset=utf-8' },
        'The widget is not built: run `npm run build -w @parley/widget`, then restart.\n',
      );
    }
    // Other sites' pages load it with a plain <script> tag; it is not fingerprinted, so revalidate.
    return send(
      req,
      res,
      200,
      {
        'content-type': 'text/javascript; charset=utf-8',
        'content-length': widget.length,
        'cache-control': 'no-cache',
        'cross-origin-resource-policy': 'cross-origin',
      },
      widget,
    );
  }

  const file = fileFor(pathname);
  if (!file) return send(req, res, 400, { 'content-type': 'text/plain; charset=utf-8' }, 'Bad Request\n');

  const info = pathname.endsWith('/') ? undefined : await regularFile(file);
  if (info) {
    // Vite fingerprints everything under /assets/, so those can be cached for good.
    const immutable = pathname.startsWith('/assets/');
    return sendFile(req, res, file, info, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  }

  // A missing file with an extension (a stale chunk, a typo) is a real 404; everything else is a client route.
  if (extname(pathname) && extname(pathname) !== '.html') {
    return send(req, res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'Not Found\n');
  }
  const index = join(root, 'index.html');
  const indexInfo = await regularFile(index);
  if (!indexInfo) {
    return send(
      req,
      res,
      503,
      { 'content-type': 'text/plain; charset=utf-8' },
      'apps/web is not built yet: run `npm run build -w @parley/web` first.\n',
    );
  }
  return sendFile(req, res, index, indexInfo, 'no-cache');
});

server.on('error', (err) => {
  process.stderr.write(`parley web: cannot listen on ${host}:${port}: ${err.message}\n`);
  process.exit(1);
});

server.listen(port, host, () => {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  process.stdout.write(
    `parley web: http://${shown}:${port} (messaging API ${JSON.parse(config).messagingUrl}, terminal core ${JSON.parse(config).terminalUrl})\n`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
