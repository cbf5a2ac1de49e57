import { createRequire } from 'node:module';
import express, { type Express } from 'express';
import type { OpenApiDocument } from './openapi-document.js';

const require = createRequire(import.meta.url);

/** Swagger UI's files ship in the package: /docs works offline, with no CDN. */
function swaggerUiDir(): string {
  return (require('swagger-ui-dist') as { getAbsoluteFSPath: () => string }).getAbsoluteFSPath();
}

const page = (title: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title.replace(/[<>&"]/g, '')} — API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/parley-docs.js"></script>
</body>
</html>`;

// A file of its own, not an inline script, so the Content-Security-Policy stays strict.
const initializer = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

/** `/openapi.json` (the document) and `/docs` (Swagger UI on it), public like the document itself. */
export function mountApiDocs(server: Express, document: () => OpenApiDocument): void {
  server.get('/openapi.json', (_req, res) => {
    res.json(document());
  });
  server.get(['/docs', '/docs/'], (_req, res) => {
    res.type('html').send(page(document().info.title));
  });
  server.get('/docs/parley-docs.js', (_req, res) => {
    res.type('application/javascript').send(initializer);
  });
  server.use('/docs', express.static(swaggerUiDir(), { index: false }));
}
